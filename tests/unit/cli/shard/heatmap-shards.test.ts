import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli, runCliOk } from '../cli-process'

const dir = mkdtempSync(join(tmpdir(), 'hfc-heatmap-shards-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// 20 random test digits, the stride-7 grid (10 frequency pairs), onnxruntime: small enough for CI.
const run = [
  '--backend',
  'onnxruntime',
  'heatmap',
  '--model',
  'mnist',
  '--data',
  'mnist',
  '--eps',
  '6',
  '--n',
  '20',
  '--seed',
  '5',
  '--stride',
  '7',
]
const files = ['heatmap.npy', 'heatmap.csv', 'heatmap.json', 'heatmap.png']

describe('hfc-lab heatmap as shards', () => {
  it('writes, as 3 shards merged, the same heatmap.npy, .csv, .json and .png as one unsharded run', async () => {
    const [whole] = await Promise.all([
      runCliOk([...run, '--out', join(dir, 'whole'), '--json']),
      ...[0, 1, 2].map((i) => runCliOk([...run, '--shard', `${i}/3`, '--batch-size', '4', '--out', join(dir, 'shards', `s${i}`)])),
    ])
    const merged = await runCliOk(['merge', join(dir, 'shards'), '--out', join(dir, 'merged'), '--json'])
    for (const file of files)
      expect(readFileSync(join(dir, 'merged', file)).equals(readFileSync(join(dir, 'whole', file))), file).toBe(true)
    expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(whole.stdout))
    const summary = JSON.parse(whole.stdout) as { n: number; frequencies: number; maxError: { error: number }; stride: number }
    expect(summary).toMatchObject({ n: 20, frequencies: 10, stride: 7 })
    expect(summary.maxError.error).toBeGreaterThan(0)
    const csv = readFileSync(join(dir, 'whole', 'heatmap.csv'), 'utf8')
      .trim()
      .split('\n')
    expect(csv[0]).toBe('u,v,error,confidence_drop')
    // 16 cells of the 28 x 28 grid lie on the stride-7 grid, both halves written.
    expect(csv.length - 1).toBe(16)
  })

  it('refuses a non-positive eps with a sentence and writes nothing', async () => {
    const result = await runCli(['heatmap', '--model', 'mnist', '--data', 'mnist', '--eps', '0', '--limit', '2', '--out', join(dir, 'bad')])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/--eps must be a positive number/)
    expect(existsSync(join(dir, 'bad'))).toBe(false)
  })
})
