import * as tf from '@tensorflow/tfjs-core'
import type { CurveExamples, CurveRun } from '../../protocol/attacks'
import type { ParsedParams } from '../../protocol/methods'
import { describeDefense, type Defense } from '../../protocol/models'
import { LabError } from '../base/errors'
import type { JobContext } from '../base/job-context'
import { specId } from '../base/spec-id'
import { runCurve, type DefenseSpec } from '../eval'
import { selectIndices } from '../jobs/batches'
import { defended } from './defended'
import { checkCompatible, getDataset, getModel } from './lookup'
import type { EngineState } from './state'

/** Curve runs kept for the examples view; older ones are dropped to bound memory. */
const MAX_STORED_RUNS = 4

function defenseSpec(state: EngineState, modelId: string, defense: Defense): DefenseSpec {
  const label = describeDefense(defense)
  if (defense.kind === 'none') return { kind: 'none', label }
  const model = async () => (await defended(state, modelId, defense)).model
  if (defense.kind === 'd1') return { kind: 'd1', r: defense.radius, options: defense.mask, label, model }
  return { kind: 'd2', label, model }
}

/**
 * Accuracy-versus-perturbation curves for every attack × defense × protocol on a selection; the
 * adversarials stay in the worker (the last few runs), so the examples behind a point can be shown.
 */
export async function runKeptCurve(state: EngineState, params: ParsedParams<'attack.curve'>, ctx: JobContext): Promise<CurveRun> {
  const { modelId, datasetId, attacks, defenses, protocols, norm, points, batchSize, ...selection } = params
  const dataset = getDataset(state, datasetId)
  const model = getModel(state, modelId)
  checkCompatible(model, dataset)
  // The same id on every worker of the pool, so examples can be gathered from all of them.
  const runId = specId('run', { modelId, datasetId, attacks, defenses, protocols, norm, points, ...selection, subShard: undefined })
  const indices = selectIndices(dataset, selection)
  const all = dataset.labels()
  const labels = Int32Array.from(indices, (i) => all[i])
  const [h, w, c] = dataset.info.shape
  const images = tf.tensor4d(await dataset.read(indices), [indices.length, h, w, c])
  try {
    const result = await runCurve(
      {
        model,
        images,
        labels,
        attacks: attacks.map((a) => ({ id: a.id, params: a.params ?? {} })),
        defenses: defenses.map((d) => defenseSpec(state, modelId, d)),
        protocols,
        norm,
        points,
        attackBatchSize: batchSize,
        sampleIds: indices,
        keepAdversarials: true,
      },
      ctx,
    )
    state.runs.set(runId, {
      datasetId,
      indices,
      labels,
      shape: dataset.info.shape,
      entries: result.entries.map((e) => ({
        distances: e.curve.distances,
        adversarialCorrect: e.curve.adversarialCorrect,
        adversarialPredicted: e.curve.adversarialPredicted!,
        adversarial: e.adversarial!,
        spectrum: e.spectrum,
      })),
    })
    while (state.runs.size > MAX_STORED_RUNS) state.runs.delete(state.runs.keys().next().value!)
    const entries = result.entries.map(({ adversarial: _adversarial, ...entry }) => entry)
    return { runId, indices, labels, entries, skipped: result.skipped, envelopes: result.envelopes, cancelled: result.cancelled }
  } finally {
    images.dispose()
  }
}

/** The samples behind a point of a kept curve: those whose adversarial lies within eps, with both images. */
export async function curveExamples(
  state: EngineState,
  { runId, entry, eps, max }: ParsedParams<'attack.examples'>,
): Promise<CurveExamples> {
  const run = state.runs.get(runId)
  if (!run) {
    // With a worker pool every worker answers for its own shard; one that did not run it has nothing to add.
    if (state.workerCount > 1) return { eps, rows: [], shape: [0, 0, 0] }
    throw new LabError('RUN_GONE', 'That curve run is no longer in memory (the engine keeps the last few). Run the curve again.')
  }
  const stored = run.entries[entry]
  if (!stored) throw new LabError('RUN_ENTRY', `The run has no curve number ${entry}.`)
  const size = run.shape.reduce((a, b) => a * b, 1)
  const picked: number[] = []
  for (let k = 0; k < run.indices.length && picked.length < max; k++) {
    if (stored.distances[k] <= eps && stored.adversarialCorrect[k] === 0) picked.push(k)
  }
  const dataset = getDataset(state, run.datasetId)
  const originals = picked.length ? await dataset.read(picked.map((k) => run.indices[k])) : new Float32Array(0)
  return {
    eps,
    shape: run.shape,
    rows: picked.map((k, j) => ({
      index: run.indices[k],
      label: run.labels[k],
      predicted: stored.adversarialPredicted[k],
      distance: stored.distances[k],
      adversarialCorrect: false,
      original: originals.slice(j * size, (j + 1) * size),
      adversarial: stored.adversarial.slice(k * size, (k + 1) * size),
      spectrum: stored.spectrum.profiles.slice(k * stored.spectrum.bins, (k + 1) * stored.spectrum.bins),
    })),
  }
}
