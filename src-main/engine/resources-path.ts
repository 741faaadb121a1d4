import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder of embedded resources (default data sets and models). HFC_RESOURCES overrides it;
 * otherwise it is `resources/` in the nearest folder above this module that has a package.json,
 * which finds repo/resources from source (src-main/engine, under tsx and vitest) and from the
 * built bundle (out/main) alike.
 */
export function resourcesDir(): string {
  const override = process.env.HFC_RESOURCES
  if (override) return resolve(override)
  const here = dirname(fileURLToPath(import.meta.url))
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'resources'))) return join(dir, 'resources')
    if (dirname(dir) === dir) break
  }
  return resolve(here, '..', '..', 'resources')
}
