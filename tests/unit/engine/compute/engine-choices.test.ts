import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { REPO } from '../../paths'

const MODULE = pathToFileURL(join(REPO, 'src-main', 'engine', 'compute', 'engine-choices.ts')).href

/** One process that remembers `count` choices at once (concurrent writes from the same pid too). */
function writer(cacheDir: string, name: string, count: number): Promise<number | null> {
  const script = `
    const { rememberChoice } = await import(${JSON.stringify(MODULE)})
    await Promise.all(Array.from({ length: ${count} }, (_, i) =>
      rememberChoice('${name}-' + i, { forward: 'tfjs', gradient: 'onnxruntime', reason: '${name}' })))
  `
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO,
    env: { ...process.env, HFC_CACHE_DIR: cacheDir },
    stdio: 'inherit',
  })
  return new Promise((resolve) => child.on('close', resolve))
}

describe('engine-choice cache shared by processes', () => {
  let dir = ''
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it('keeps every entry when four processes each write five at the same time', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hfc-choices-'))
    const names = ['a', 'b', 'c', 'd']
    expect(await Promise.all(names.map((n) => writer(dir, n, 5)))).toEqual([0, 0, 0, 0])
    const all = JSON.parse(await readFile(join(dir, 'engine-choices.json'), 'utf8')) as Record<string, { reason: string }>
    const expected = names.flatMap((n) => Array.from({ length: 5 }, (_, i) => `${n}-${i}`))
    expect(Object.keys(all).sort()).toEqual(expected.sort())
    // No lock or temp file stays behind.
    expect(await readdir(dir)).toEqual(['engine-choices.json'])
  }, 60_000)
})
