import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { minimatch } from 'minimatch'
import { afterAll, describe, expect, it } from 'vitest'
import { unpackedPath } from '../../../../src-main/engine/base/packaged-path'
import { resourcesDir } from '../../../../src-main/engine/base/resources-path'
import { REPO } from '../../paths'

/** The list under `key:` in electron-builder.yml (a flat list of strings). */
function yamlList(key: string): string[] {
  const lines = readFileSync(join(REPO, 'electron-builder.yml'), 'utf8').split('\n')
  const at = lines.indexOf(`${key}:`)
  const out: string[] = []
  for (const line of lines.slice(at + 1)) {
    const item = /^\s+-\s+(.+)$/.exec(line)
    if (!item) break
    out.push(item[1].trim())
  }
  return out
}

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && keep(e.name))
    .map((e) => join(e.parentPath, e.name))
}

/**
 * A packaged app folder as electron-builder lays it out: resources/app.asar (here a plain folder
 * standing in for the archive) holding out/ and package.json, resources/app.asar.unpacked with
 * what asarUnpack names, and resources/resources from extraResources.
 */
const app = mkdtempSync(join(tmpdir(), 'hfc-packaged-'))
const archive = join(app, 'resources', 'app.asar')
const unpacked = join(app, 'resources', 'app.asar.unpacked')
afterAll(() => rmSync(app, { recursive: true, force: true }))

describe('the packaged layout', () => {
  it('unpacks every wasm binary, native addon and shared library the engine loads, and the worker bundle', () => {
    const globs = yamlList('asarUnpack')
    const modules = join(REPO, 'node_modules')
    const runtime = ['onnxruntime-node', 'sharp', '@img', join('@tensorflow', 'tfjs-backend-wasm', 'dist'), 'h5wasm'].flatMap((pkg) =>
      filesUnder(join(modules, pkg), (name) => /\.(node|wasm)$|\.so(\.\d+)*$/.test(name)),
    )
    expect(runtime.some((f) => f.includes('onnxruntime_binding.node'))).toBe(true)
    expect(runtime.some((f) => f.endsWith('.wasm'))).toBe(true)
    const packed = [...runtime.map((f) => relative(REPO, f)), 'out/main/worker.js'].filter(
      (f) => !globs.some((g) => minimatch(f, g, { dot: true })),
    )
    expect(packed).toEqual([])
    expect(yamlList('extraResources').join(' ')).toContain('from: resources')
  })

  it('resolves resources beside the archive and swaps archive paths for their unpacked twins', () => {
    mkdirSync(join(archive, 'out', 'main'), { recursive: true })
    mkdirSync(join(app, 'resources', 'resources', 'models'), { recursive: true })
    const wasm = join('node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist', 'tfjs-backend-wasm.wasm')
    mkdirSync(join(unpacked, wasm, '..'), { recursive: true })
    writeFileSync(join(unpacked, wasm), '')
    const saved = process.env.HFC_RESOURCES
    delete process.env.HFC_RESOURCES
    try {
      expect(resourcesDir(join(archive, 'out', 'main'))).toBe(join(app, 'resources', 'resources'))
      expect(resourcesDir(join(REPO, 'out', 'main'))).toBe(join(REPO, 'resources'))
    } finally {
      if (saved !== undefined) process.env.HFC_RESOURCES = saved
    }
    expect(unpackedPath(join(archive, wasm))).toBe(join(unpacked, wasm))
    expect(unpackedPath(join(archive, 'out', 'main', 'chunks', 'packed-only.js'))).toBe(
      join(archive, 'out', 'main', 'chunks', 'packed-only.js'),
    )
    expect(unpackedPath(join(REPO, wasm))).toBe(join(REPO, wasm))
  })

  const built = existsSync(join(REPO, 'out', 'main', 'cli.js'))
  it.skipIf(!built)(
    'runs the built engine from the simulated app folder: worker, wasm, onnxruntime, sharp and the embedded defaults',
    () => {
      rmSync(join(app, 'resources'), { recursive: true, force: true })
      for (const root of [archive, unpacked]) {
        mkdirSync(root, { recursive: true })
        cpSync(join(REPO, 'out'), join(root, 'out'), { recursive: true })
        cpSync(join(REPO, 'package.json'), join(root, 'package.json'))
        symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'))
      }
      cpSync(join(REPO, 'resources'), join(app, 'resources', 'resources'), { recursive: true })
      // In the archive the worker bundle cannot be started (worker threads read the real file system): only its twin can.
      rmSync(join(archive, 'out', 'main', 'worker.js'))
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'HFC_RESOURCES'))
      const cli = (...args: string[]) =>
        execFileSync(process.execPath, [join(archive, 'out', 'main', 'cli.js'), '--workers', '1', ...args], {
          cwd: app,
          env,
          encoding: 'utf8',
        })
      const info = JSON.parse(cli('info', '--json')) as { backend: string }
      expect(info.backend).toBe('wasm')
      // The default model comes from resources/resources and runs on onnxruntime or TF.js wasm; sharp decodes a PNG folder.
      expect(cli('model', 'info', 'mnist')).toMatch(/^mnist .*\n[\s\S]*forward passes on (onnxruntime|tfjs)/)
      expect((JSON.parse(cli('data', 'info', 'mnist', '--json')) as { count: number }).count).toBe(1000)
      const photos = JSON.parse(cli('data', 'info', 'imagenet-samples', '--json')) as { count: number; format: string }
      expect(photos).toMatchObject({ count: 20, format: 'image-folder' })
    },
  )
})
