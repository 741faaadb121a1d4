import { createRequire } from 'node:module'

const requireCjs = createRequire(import.meta.url)

function readAppVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = requireCjs(rel) as { name?: string; version?: string }
      if (pkg.name === 'hfc-lab' && pkg.version) return pkg.version
    } catch {
      // try the next layout (source tree or built bundle)
    }
  }
  return '0.0.0'
}

export const APP_VERSION = readAppVersion()
