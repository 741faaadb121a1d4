import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCliOk } from '../cli-process'

describe('hfc-lab heatmap', () => {
  it('resizes an image folder to --size and runs the coarse grid of --stride, stating both in heatmap.json', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'hfc-heatmap-')), 'map')
    // The embedded ImageNet samples are 512 x 512; the CIFAR-10 model takes 32 x 32 RGB.
    await runCliOk([
      'heatmap',
      '--model',
      'cifar10',
      '--data',
      'imagenet-samples',
      '--size',
      '32x32',
      '--eps',
      '4',
      '--limit',
      '2',
      '--stride',
      '8',
      '--out',
      out,
    ])
    const summary = JSON.parse(readFileSync(join(out, 'heatmap.json'), 'utf8')) as {
      shape: number[]
      stride: number
      n: number
      frequencies: number
    }
    expect(summary.shape).toEqual([32, 32, 3])
    expect(summary.stride).toBe(8)
    expect(summary.n).toBe(2)
    // Offsets -16, -8, 0, 8 on each axis: 16 cells, 4 of them their own conjugate, so 10 pairs.
    expect(summary.frequencies).toBe(10)
  }, 180_000)
})
