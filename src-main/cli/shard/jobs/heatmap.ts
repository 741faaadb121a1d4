import type { FourierHeatmap } from '../../../protocol/heatmap'
import { heatmapSummary } from '../../../protocol/summaries'
import { printJson } from '../../engine'

export function printHeatmap(map: FourierHeatmap, json: boolean, out: string): void {
  const s = heatmapSummary(map)
  if (json) return printJson(s)
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`
  console.log(
    `Fourier heat map of ${s.n} images at eps ${s.eps} (${s.frequencies} frequencies, stride ${s.stride}, ${s.defense}, ${s.engine})`,
  )
  console.log(
    `clean error ${pct(s.cleanError)}; mean error ${pct(s.meanError)}; max ${pct(s.maxError.error)} at (u, v) = (${s.maxError.u}, ${s.maxError.v})`,
  )
  console.log(`wrote heatmap.npy, heatmap.csv, heatmap.png, heatmap.json to ${out}`)
}
