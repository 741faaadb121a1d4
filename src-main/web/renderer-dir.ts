import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

/** The built renderer (out/renderer), found from the bundle (out/main) or from the sources. */
export function rendererDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url))
  for (const candidate of [
    join(here, '..', 'renderer'),
    join(here, '..', '..', 'out', 'renderer'),
    join(here, '..', '..', '..', 'out', 'renderer'),
  ]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate
  }
  throw new Error('The built renderer was not found: run "npm run build" first.')
}
