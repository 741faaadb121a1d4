import { join } from 'node:path'
import type { AttackRun, CurveRun } from '../../protocol/attacks'
import type { FourierHeatmap } from '../../protocol/heatmap'
import { heatmapGrids } from '../../protocol/heatmap'
import type { Evaluation, GradientMaps, KernelReport } from '../../protocol/models'
import { encodeNpy } from '../../protocol/npy'
import type { Figure1Result } from '../../protocol/spectral'
import { attackSummary, curveJson, heatmapSummary } from '../../protocol/summaries'
import { writeFileAtomic } from '../export/atomic-write'
import { heatmapPng } from '../export/heatmap-png'
import { kernelGridPixels } from '../export/kernel-grid'
import { encodePng } from '../export/png'

/**
 * The files each batch command writes with --out, from its result: the same for an unsharded run
 * and for the merge of its shards.
 */

/** `hfc-lab eval --out`: evaluation.json, the --json output. */
export async function writeEvaluation(result: Evaluation, out: string, force: boolean): Promise<void> {
  await writeFileAtomic(join(out, 'evaluation.json'), `${JSON.stringify(result, null, 2)}\n`, { force })
}

/** `hfc-lab figure1 --out`: figure1.json, the --json output. */
export async function writeFigure1(result: Figure1Result, out: string, force: boolean): Promise<void> {
  await writeFileAtomic(join(out, 'figure1.json'), `${JSON.stringify(result, null, 2)}\n`, { force })
}

/** One line per sample: its radial energy profile of adversarial − clean (docs/algorithms.md §Beyond the paper). */
function attackSpectrumCsv(run: Pick<AttackRun, 'indices' | 'success' | 'spectrum'>): string {
  const { bins, profiles } = run.spectrum
  const header = ['index', 'success', ...Array.from({ length: bins }, (_, r) => `r${r}`)]
  const rows = Array.from(run.indices, (index, k) => [index, run.success[k], ...profiles.subarray(k * bins, (k + 1) * bins)].join(','))
  return [header.join(','), ...rows].join('\n') + '\n'
}

/** One line per curve and sample: the radial energy profile of the perturbation the attack made. */
function curveSpectrumCsv(result: CurveRun): string {
  const bins = result.entries[0]?.spectrum.bins ?? 0
  const header = ['attack', 'defense', 'protocol', 'index', 'success', ...Array.from({ length: bins }, (_, r) => `r${r}`)]
  const rows = result.entries.flatMap((e) =>
    Array.from(result.indices, (index, k) =>
      [e.attack, e.defense, e.protocol, index, e.success[k], ...e.spectrum.profiles.subarray(k * bins, (k + 1) * bins)].join(','),
    ),
  )
  return [header.join(','), ...rows].join('\n') + '\n'
}

/** `hfc-lab attack --out`: adversarial.npy (N x H x W x C float32), samples.csv, spectrum.csv and summary.json. */
export async function writeAttackOutputs(run: AttackRun, out: string, force: boolean, meta: Record<string, unknown>): Promise<void> {
  const [h, w, c] = run.shape
  const extraKeys = Object.keys(run.extra)
  const header = [
    'index',
    'label',
    'clean_prediction',
    'adversarial_prediction',
    'confidence',
    'success',
    'margin',
    'l2',
    'linf',
    'queries',
    ...extraKeys,
  ]
  const rows = Array.from(run.indices, (index, k) =>
    [
      index,
      run.labels[k],
      run.cleanPredicted[k],
      run.predicted[k],
      run.confidence[k],
      run.success[k],
      run.margin[k],
      run.l2[k],
      run.linf[k],
      run.queries[k],
      ...extraKeys.map((e) => run.extra[e][k]),
    ].join(','),
  )
  await writeFileAtomic(join(out, 'adversarial.npy'), encodeNpy(run.adversarial!, [run.indices.length, h, w, c]), { force })
  await writeFileAtomic(join(out, 'samples.csv'), [header.join(','), ...rows].join('\n') + '\n', { force })
  await writeFileAtomic(join(out, 'spectrum.csv'), attackSpectrumCsv(run), { force })
  await writeFileAtomic(join(out, 'summary.json'), JSON.stringify({ ...meta, ...attackSummary(run) }, null, 2), { force })
}

/** One line per sample: per curve, its distance, clean and adversarial correctness, success, the attacked model's margin and queries. */
export function curveSamplesCsv(result: CurveRun): string {
  const names = result.entries.map((e) => `${e.attack}.${e.defense}.${e.protocol}`)
  const header = [
    'index',
    'label',
    ...names.flatMap((n) => ['distance', 'clean_correct', 'adversarial_correct', 'success', 'margin', 'queries'].map((f) => `${n}.${f}`)),
  ]
  const rows = Array.from(result.indices, (index, k) =>
    [
      index,
      result.labels[k],
      ...result.entries.flatMap((e) => [
        e.curve.distances[k],
        e.curve.cleanCorrect[k],
        e.curve.adversarialCorrect[k],
        e.success[k],
        e.margin[k],
        e.queries[k],
      ]),
    ].join(','),
  )
  return [header.join(','), ...rows].join('\n') + '\n'
}

/** `hfc-lab curve --out`: curve.json (the --json output), samples.csv (per-sample outcomes) and spectrum.csv. */
export async function writeCurveOutputs(result: CurveRun, norm: string, out: string, force: boolean): Promise<void> {
  await writeFileAtomic(join(out, 'curve.json'), `${JSON.stringify(curveJson(result, norm), null, 2)}\n`, { force })
  await writeFileAtomic(join(out, 'samples.csv'), curveSamplesCsv(result), { force })
  await writeFileAtomic(join(out, 'spectrum.csv'), curveSpectrumCsv(result), { force })
}

/** `hfc-lab grad --out FILE.npy` writes the array; a merge writes gradients.npy into its folder. */
export async function writeGradients(maps: GradientMaps, file: string, force: boolean): Promise<void> {
  const [h, w, c] = maps.shape
  await writeFileAtomic(file, encodeNpy(maps.gradient, [maps.indices.length, h, w, c]), { force })
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

/** `hfc-lab kernels --out`: the layer's kernels before and after the low pass (.npy), a PNG grid and a JSON report. */
export async function writeKernelOutputs(report: KernelReport, out: string, force: boolean): Promise<void> {
  const [kh, kw, cin, cout] = report.kernelShape
  for (const pick of ['before', 'after'] as const) {
    const values = new Float32Array(kh * kw * cin * cout)
    for (const k of report.kernels) k[pick].forEach((v, p) => (values[p * cin * cout + k.inChannel * cout + k.outChannel] = v))
    await writeFileAtomic(join(out, `${report.layer}_${pick}.npy`), encodeNpy(values, [kh, kw, cin, cout]), { force })
  }
  const grid = kernelGridPixels(report)
  await writeFileAtomic(join(out, `${report.layer}_grid.png`), await encodePng(grid.pixels, grid.height, grid.width, 3), { force })
  const { kernels, ...summary } = report
  await writeFileAtomic(
    join(out, `${report.layer}_report.json`),
    JSON.stringify(
      { ...summary, kernels: kernels.map((k) => ({ outChannel: k.outChannel, inChannel: k.inChannel, energyRemoved: k.energyRemoved })) },
      null,
      2,
    ),
    { force },
  )
}
