import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder of embedded resources (default data sets and models). HFC_RESOURCES overrides it;
 * otherwise it is the nearest `resources/` holding `models/` above `from` (this module's folder):
 * repo/resources from the sources (src-main/engine, under tsx and vitest) and the build (out/main),
 * and in the packaged app, where electron-builder's extraResources puts it beside app.asar
 * (resources/app.asar/out/main -> resources/resources).
 */
export function resourcesDir(from = dirname(fileURLToPath(import.meta.url))): string {
  const override = process.env.HFC_RESOURCES
  if (override) return resolve(override)
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'resources', 'models'))) return join(dir, 'resources')
    if (dirname(dir) === dir) break
  }
  return resolve(from, '..', '..', 'resources')
}
