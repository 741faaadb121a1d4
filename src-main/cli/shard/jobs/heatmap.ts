import { join } from 'node:path'
import { writeFileAtomic } from '../../../engine/export/atomic-write'
import { heatmapPng } from '../../../engine/export/heatmap-png'
import { heatmapGrids, mergeHeatmaps, radialProfile, type FourierHeatmap } from '../../../protocol/heatmap'
import { encodeNpy } from '../../../protocol/npy'
import { printJson } from '../../engine'
import type { CommandOutputs } from './types'

/** What `hfc-lab heatmap --json` prints and heatmap.json holds: the run and where the map peaks. */
export function heatmapSummary(map: FourierHeatmap) {
  const [h, w] = map.shape
  const { error } = heatmapGrids(map)
  const cy = Math.floor(h / 2)
  const cx = Math.floor(w / 2)
  let peak = { u: 0, v: 0, error: -1 }
  let sum = 0
  for (let k = 0; k < map.errors.length; k++) {
    const rate = map.errors[k] / Math.max(map.n, 1)
    sum += rate
    if (rate > peak.error) peak = { u: map.frequencies[2 * k], v: map.frequencies[2 * k + 1], error: rate }
  }
  return {
    shape: map.shape,
    eps: map.eps,
    stride: map.stride,
    seed: map.seed,
    defense: map.defense,
    engine: map.engine,
    n: map.n,
    frequencies: map.errors.length,
    cleanError: map.cleanErrors / Math.max(map.n, 1),
    meanError: sum / Math.max(map.errors.length, 1),
    maxError: peak,
    zeroFrequency: [cy, cx],
    radialProfile: radialProfile(error, h, w),
  }
}

/**
 * `hfc-lab heatmap --out DIR`: heatmap.npy (H x W float32 error rate, centred, NaN where a stride
 * skipped the frequency), heatmap.csv (u, v, error, confidence_drop for every evaluated cell of the
 * grid, both halves), heatmap.png (colour map with legend) and heatmap.json (summary).
 */
export async function writeHeatmapOutputs(map: FourierHeatmap, out: string, force: boolean): Promise<void> {
  const [h, w] = map.shape
  const { error, confidenceDrop } = heatmapGrids(map)
  const cy = Math.floor(h / 2)
  const cx = Math.floor(w / 2)
  const rows = ['u,v,error,confidence_drop']
  for (let a = 0; a < h; a++) {
    for (let b = 0; b < w; b++) {
      const k = a * w + b
      if (!Number.isNaN(error[k])) rows.push(`${a - cy},${b - cx},${error[k]},${confidenceDrop[k]}`)
    }
  }
  const summary = heatmapSummary(map)
  const png = await heatmapPng({
    grid: error,
    h,
    w,
    stride: map.stride,
    scaleMax: Math.max(summary.maxError.error, 1e-9),
    title: `error rate, eps ${map.eps}, n ${map.n}${map.defense === 'none' ? '' : `, ${map.defense}`}`,
  })
  await writeFileAtomic(join(out, 'heatmap.npy'), encodeNpy(error, [h, w]), { force })
  await writeFileAtomic(join(out, 'heatmap.csv'), `${rows.join('\n')}\n`, { force })
  await writeFileAtomic(join(out, 'heatmap.png'), png, { force })
  await writeFileAtomic(join(out, 'heatmap.json'), `${JSON.stringify(summary, null, 2)}\n`, { force })
}

export function printHeatmap(map: FourierHeatmap, json: boolean, out: string): void {
  const s = heatmapSummary(map)
  if (json) return printJson(s)
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`
  console.log(`Fourier heat map of ${s.n} images at eps ${s.eps} (${s.frequencies} frequencies, stride ${s.stride}, ${s.defense}, ${s.engine})`)
  console.log(`clean error ${pct(s.cleanError)}; mean error ${pct(s.meanError)}; max ${pct(s.maxError.error)} at (u, v) = (${s.maxError.u}, ${s.maxError.v})`)
  console.log(`wrote heatmap.npy, heatmap.csv, heatmap.png, heatmap.json to ${out}`)
}

export const heatmapOutputs: CommandOutputs<FourierHeatmap> = {
  async merge(batches, { out, force }) {
    const map = mergeHeatmaps(batches.map((b) => b.result))
    await writeHeatmapOutputs(map, out, force)
    return map
  },
  print: (map, { json, out }) => printHeatmap(map, json, out),
}
