import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '../../../..')
/** What main, web and the CLI may import from the engine (HOST_SURFACE in eslint.config.js). */
const HOST_SURFACE = ['runtime/host.ts', 'compute/backend-names.ts', 'base/version.ts', 'base/errors.ts', 'base/resources-path.ts']
/** Packages that take a second or more to load between them; only engine workers need them. */
const HEAVY = /^(@tensorflow\/|onnxruntime-node|h5wasm|sharp|protobufjs)/

/** The modules a file loads when it is imported: static value imports and re-exports, not `import type` or `import()`. */
function staticImports(file: string): string[] {
  const source = readFileSync(file, 'utf8')
  const found: string[] = []
  for (const m of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;'"]*?\bfrom\s+'([^']+)'/gm)) found.push(m[1])
  for (const m of source.matchAll(/^import\s+'([^']+)'/gm)) found.push(m[1])
  return found
}

function loadedBy(entries: string[]): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>()
  const packages = new Map<string, string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    for (const specifier of staticImports(file)) {
      if (!specifier.startsWith('.')) {
        packages.set(specifier, file.slice(ROOT.length + 1))
        continue
      }
      const target = resolve(dirname(file), specifier)
      visit(/\.(ts|js|json)$/.test(target) ? target : `${target}.ts`)
    }
  }
  for (const entry of entries) visit(entry)
  return { files, packages }
}

describe('the engine host surface', () => {
  it('loads no TF.js, onnxruntime, h5wasm or sharp, so a CLI command or the app window starts without them', () => {
    const { files, packages } = loadedBy(HOST_SURFACE.map((f) => resolve(ROOT, 'src-main/engine', f)))
    expect(files.size).toBeGreaterThan(HOST_SURFACE.length)
    const heavy = [...packages].filter(([name]) => HEAVY.test(name)).map(([name, by]) => `${name} (imported by ${by})`)
    expect(heavy).toEqual([])
  })

  it('finds a heavy package where one is imported (the check above can fail)', () => {
    const { packages } = loadedBy([resolve(ROOT, 'src-main/engine/compute/backend.ts')])
    expect([...packages.keys()].some((name) => HEAVY.test(name))).toBe(true)
  })
})
