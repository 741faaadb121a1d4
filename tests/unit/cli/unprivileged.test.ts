import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO, SHARED_FIXTURES } from '../paths'
import { freshBuild } from './cli-process'

/**
 * The main CLI flows as a normal user (nobody) with a HOME and TMPDIR of its own, and a clean
 * environment (no CI variables, which would silence onnxruntime's telemetry by themselves): the
 * app may write only into HOME's cache folder, the output folder and TMPDIR, and must leave
 * TMPDIR empty.
 */
const KERAS = join(SHARED_FIXTURES, 'keras')
const USER = 'nobody'
/** Folders any user may write: where a stray file of the app would land. */
const SHARED_WRITABLE = ['/tmp', '/var/tmp', '/dev/shm']

function asUser(...command: string[]): boolean {
  return spawnSync('runuser', ['-u', USER, '--', ...command], { stdio: 'ignore' }).status === 0
}

function whySkip(): string | null {
  if (process.platform !== 'linux') return 'runs on Linux only'
  if (process.getuid?.() !== 0) return `needs root to run the CLI as the user ${USER} with runuser (CI runs as root)`
  if (spawnSync('runuser', ['--version'], { stdio: 'ignore' }).status !== 0) return 'runuser is not installed'
  if (!freshBuild()) return 'needs the built CLI (npx electron-vite build; npm test builds first)'
  const needed = [process.execPath, join(REPO, 'out', 'main', 'cli.js'), join(REPO, 'node_modules', 'h5wasm', 'package.json')]
  const unreadable = needed.filter((file) => !asUser('test', '-r', file))
  if (unreadable.length) return `the user ${USER} cannot read ${unreadable.join(', ')} (the checkout must be world-readable)`
  return null
}

const skip = whySkip()
if (skip) console.warn(`unprivileged CLI test skipped: ${skip}`)
const noFixtures = !existsSync(KERAS)
if (!skip && noFixtures) console.warn(`unprivileged CLI test: third-party Keras models skipped, ${KERAS} is absent`)

/** Every path under `dir`, relative to it, with folders marked by a trailing slash. */
function tree(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name)
      out.push(relative(dir, path) + (entry.isDirectory() ? '/' : ''))
      if (entry.isDirectory()) walk(path)
    }
  }
  walk(dir)
  return out.sort()
}

/** Files and folders the user owns in the folders everyone may write, outside `ours`. */
function strays(ours: string[]): string[] {
  const found = spawnSync('find', [...SHARED_WRITABLE, '-xdev', '-user', USER], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
  return found.filter((path) => !ours.some((root) => path === root || path.startsWith(`${root}/`))).sort()
}

describe.skipIf(skip !== null)(`the CLI as the user ${USER}`, () => {
  const root = mkdtempSync(join(tmpdir(), 'hfc-unprivileged-'))
  const home = join(root, 'home')
  const temp = join(root, 'tmp')
  const out = join(root, 'out')
  let before: string[] = []
  const uid = Number(spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout.trim())

  beforeAll(() => {
    for (const dir of [home, temp, out]) {
      spawnSync('mkdir', ['-p', dir])
      spawnSync('chown', [USER, dir])
      chmodSync(dir, 0o700)
    }
    chmodSync(root, 0o755)
    before = strays([root])
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  /** hfc-lab as the user, in HOME, with only PATH, HOME and TMPDIR set. */
  function hfc(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env = ['env', '-i', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`, `HOME=${home}`, `TMPDIR=${temp}`]
    const child = spawn('runuser', ['-u', USER, '--', ...env, process.execPath, join(REPO, 'bin', 'hfc-lab.js'), ...args], { cwd: home })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    return new Promise((resolve, reject) => {
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, stdout, stderr }))
    })
  }
  async function ok(...args: string[]): Promise<string> {
    const result = await hfc(...args)
    if (result.code !== 0) throw new Error(`hfc-lab ${args.join(' ')} exited ${result.code}:\n${result.stderr}`)
    return result.stdout
  }

  it.skipIf(noFixtures)(
    'opens third-party Keras .h5 and .keras models',
    async () => {
      const [h5, keras] = await Promise.all([
        ok('model', 'info', join(KERAS, 'mnist_kilneta_keras2_10.h5'), '--json'),
        ok('model', 'info', join(KERAS, 'cifar10_sudosidd_keras3_9.keras'), '--json'),
      ])
      expect(JSON.parse(h5).inputShape).toEqual([28, 28, 1])
      expect(JSON.parse(keras).inputShape).toEqual([32, 32, 3])
    },
    120_000,
  )

  it.skipIf(noFixtures)(
    'evaluates a third-party .h5 on the default worker pool',
    async () => {
      const result = JSON.parse(
        await ok('eval', '--model', join(KERAS, 'mnist_kilneta_keras2_10.h5'), '--data', 'mnist', '--limit', '40', '--json'),
      )
      expect(result.n).toBe(40)
      expect(result.accuracy).toBeGreaterThan(0.9)
    },
    120_000,
  )

  it('exports a small gallery', async () => {
    await ok('gallery', '--model', 'mnist', '--data', 'mnist', '--limit', '3', '--attacks', 'hf', '--out', join(out, 'gallery'))
    expect(readdirSync(join(out, 'gallery'))).toEqual(expect.arrayContaining(['manifest.json', 'index.html', '000000_original.png']))
  }, 120_000)

  it('runs two shards at once and merges them', async () => {
    const shard = (i: number) =>
      ok('eval', '--model', 'mnist', '--data', 'mnist', '--limit', '40', '--shard', `${i}/2`, '--out', join(out, 'shards', `s${i}`))
    await Promise.all([shard(0), shard(1)])
    await ok('merge', join(out, 'shards'), '--out', join(out, 'merged'))
    expect(existsSync(join(out, 'merged', 'evaluation.json'))).toBe(true)
  }, 180_000)

  it('wrote only into its cache folder, the output folder and TMPDIR, and left TMPDIR empty', () => {
    expect(tree(home)).toEqual(['.cache/', '.cache/hfc-lab/', '.cache/hfc-lab/engine-choices.json'])
    expect(tree(temp)).toEqual([])
    expect(strays([root])).toEqual(before)
    const ownedAtRoot = readdirSync('/').filter((name) => name.startsWith('hfc-model-') && statSync(join('/', name)).uid === uid)
    expect(ownedAtRoot).toEqual([])
    // What the user owns in the output folder is what the commands were asked to write.
    expect(readdirSync(out).sort()).toEqual(['gallery', 'merged', 'shards'])
    expect(statSync(join(out, 'merged', 'evaluation.json')).uid).not.toBe(0)
  })
})
