import { join } from 'node:path'
import { writeFileAtomic } from '../../../engine/export/atomic-write'
import { median } from '../../../engine/base/median'
import { mergeAttackRun } from '../../../engine/jobs/shard-merge'
import { MARGIN_RULE, meanSpectrum, type AttackRun } from '../../../protocol/attacks'
import { encodeNpy } from '../../../protocol/npy'
import { printJson } from '../../engine'
import type { CommandOutputs } from './types'

/** Median over the samples the attack fooled. */
const medianWhere = (values: Float32Array, mask: Uint8Array) => median(values.filter((_, i) => mask[i] === 1))

export function attackSummary(run: AttackRun) {
  const n = run.indices.length
  const fooled = run.success.reduce((a, b) => a + b, 0)
  return {
    attack: run.attack,
    params: run.params,
    defense: run.defense,
    n,
    successRate: n ? fooled / n : 0,
    successRule: MARGIN_RULE,
    medianL2: medianWhere(run.l2, run.success),
    medianLinf: medianWhere(run.linf, run.success),
    queries: { total: run.queries.reduce((a, b) => a + b, 0), mean: n ? run.queries.reduce((a, b) => a + b, 0) / n : 0 },
    /** Mean radial energy profile of the fooling perturbations, radius 0 .. bins − 1 (spectrum.csv has every sample's). */
    meanSpectrum: meanSpectrum(run.spectrum, run.success),
  }
}

/** One line per sample: its radial energy profile of adversarial − clean (docs/algorithms.md §Beyond the paper). */
export function spectrumCsv(run: Pick<AttackRun, 'indices' | 'success' | 'spectrum'>): string {
  const { bins, profiles } = run.spectrum
  const header = ['index', 'success', ...Array.from({ length: bins }, (_, r) => `r${r}`)]
  const rows = Array.from(run.indices, (index, k) => [index, run.success[k], ...profiles.subarray(k * bins, (k + 1) * bins)].join(','))
  return [header.join(','), ...rows].join('\n') + '\n'
}

/** `hfc-lab attack --out`: adversarial.npy (N x H x W x C float32), samples.csv, spectrum.csv and summary.json. */
export async function writeAttackOutputs(run: AttackRun, out: string, force: boolean, meta: Record<string, unknown>): Promise<string[]> {
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
  const files = [join(out, 'adversarial.npy'), join(out, 'samples.csv'), join(out, 'spectrum.csv'), join(out, 'summary.json')]
  await writeFileAtomic(files[0], encodeNpy(run.adversarial!, [run.indices.length, h, w, c]), { force })
  await writeFileAtomic(files[1], [header.join(','), ...rows].join('\n') + '\n', { force })
  await writeFileAtomic(files[2], spectrumCsv(run), { force })
  await writeFileAtomic(files[3], JSON.stringify({ ...meta, ...attackSummary(run) }, null, 2), { force })
  return files
}

export function printAttack(run: AttackRun, json: boolean, out?: string): void {
  const summary = attackSummary(run)
  if (json) return printJson(summary)
  console.log(
    `${summary.attack} on ${summary.n} images: success ${(summary.successRate * 100).toFixed(1)}%, median L2 ${summary.medianL2?.toFixed(4) ?? '-'}, median Linf ${summary.medianLinf?.toFixed(4) ?? '-'}, ${summary.queries.total} queries`,
  )
  if (out) console.log(`wrote ${out}`)
}

export const attackOutputs: CommandOutputs<AttackRun> = {
  async merge(batches, { out, force, record }) {
    const run = mergeAttackRun(batches.map((b) => b.result))
    await writeAttackOutputs(run, out, force, { model: record.model.spec, data: record.dataset.spec, seed: record.selection.seed ?? 0 })
    return run
  },
  print: (run, { json, out }) => printAttack(run, json, out),
}
