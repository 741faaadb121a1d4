import { join } from 'node:path'
import { writeFileAtomic } from '../../../engine/export/atomic-write'
import { mergeCurveRun } from '../../../engine/jobs/shard-merge'
import { MARGIN_RULE, meanSpectrum, type CurveRun } from '../../../protocol/attacks'
import { printJson } from '../../engine'
import type { CommandOutputs } from './types'

/** What `hfc-lab curve --json` prints (and --out writes as curve.json). */
export function curveJson(result: CurveRun, norm: string) {
  const entries = result.entries.map((e) => ({
    attack: e.attack,
    defence: e.defence,
    protocol: e.protocol,
    auc: e.curve.auc,
    cleanAccuracy: e.curve.cleanAccuracy,
    adversarialAccuracy: e.curve.adversarialAccuracy,
    successRate: e.successRate,
    medianDistance: Number.isNaN(e.medianDistance) ? null : e.medianDistance,
    meanQueries: e.meanQueries,
    grid: e.curve.grid,
    accuracy: e.curve.accuracy,
    /** Mean radial energy profile of the perturbations that fooled the attacked model, radius 0 .. bins − 1. */
    meanSpectrum: meanSpectrum(e.spectrum, e.success),
  }))
  return { n: result.indices.length, norm, successRule: MARGIN_RULE, entries, envelopes: result.envelopes, skipped: result.skipped }
}

/** One line per sample: per curve, its distance, clean and adversarial correctness, success, the attacked model's margin and queries. */
export function curveSamplesCsv(result: CurveRun): string {
  const names = result.entries.map((e) => `${e.attack}.${e.defence}.${e.protocol}`)
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

/** One line per curve and sample: the radial energy profile of the perturbation the attack made. */
export function curveSpectrumCsv(result: CurveRun): string {
  const bins = result.entries[0]?.spectrum.bins ?? 0
  const header = ['attack', 'defence', 'protocol', 'index', 'success', ...Array.from({ length: bins }, (_, r) => `r${r}`)]
  const rows = result.entries.flatMap((e) =>
    Array.from(result.indices, (index, k) => [e.attack, e.defence, e.protocol, index, e.success[k], ...e.spectrum.profiles.subarray(k * bins, (k + 1) * bins)].join(',')),
  )
  return [header.join(','), ...rows].join('\n') + '\n'
}

/** `hfc-lab curve --out`: curve.json (the --json output), samples.csv (per-sample outcomes) and spectrum.csv. */
export async function writeCurveOutputs(result: CurveRun, norm: string, out: string, force: boolean): Promise<void> {
  await writeFileAtomic(join(out, 'curve.json'), `${JSON.stringify(curveJson(result, norm), null, 2)}\n`, { force })
  await writeFileAtomic(join(out, 'samples.csv'), curveSamplesCsv(result), { force })
  await writeFileAtomic(join(out, 'spectrum.csv'), curveSpectrumCsv(result), { force })
}

export function printCurve(result: CurveRun, norm: string, json: boolean, out?: string): void {
  const summary = curveJson(result, norm)
  if (json) return printJson(summary)
  for (const r of summary.entries) {
    console.log(
      `${r.attack.padEnd(12)} ${r.defence.padEnd(8)} ${r.protocol.padEnd(9)} AUC ${r.auc.toFixed(4)}  clean ${(r.cleanAccuracy * 100).toFixed(1)}%  adv ${(r.adversarialAccuracy * 100).toFixed(1)}%`,
    )
  }
  for (const s of result.skipped) console.log(`skipped ${s.attack} / ${s.defence} / ${s.protocol}: ${s.reason}`)
  if (out) console.log(`wrote ${out}`)
}

const normOf = (run: Record<string, unknown>) => String(run.norm)

export const curveOutputs: CommandOutputs<CurveRun> = {
  async merge(batches, { out, force, record }) {
    const result = mergeCurveRun(batches.map((b) => b.result))
    await writeCurveOutputs(result, normOf(record.run), out, force)
    return result
  },
  print: (result, { json, out, record }) => printCurve(result, normOf(record.run), json, out),
}
