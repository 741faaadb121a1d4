import * as tf from '@tensorflow/tfjs-core'
import type { AttackRun, CurveRun } from '../../protocol/attacks'
import { describeDefense, type Defense } from '../../protocol/models'
import { listAttacks, runAttackBatched } from '../attacks'
import { LabError } from '../base/errors'
import { listCurvePresets, runCurve, type DefenceSpec } from '../eval'
import { forEachBatch, selectIndices } from '../jobs/batches'
import { predictBatch } from '../jobs/predict'
import { checkCompatible, getDataset, getModel } from '../session/lookup'
import { specId } from '../base/spec-id'
import { radialBins } from '../spectral'
import type { EngineState } from '../session/state'
import { defended } from './models'
import type { HandlerTable } from './types'

/** Curve runs kept for the examples view; older ones are dropped to bound memory. */
const MAX_STORED_RUNS = 4

function defenceSpec(state: EngineState, modelId: string, defense: Defense): DefenceSpec {
  const label = describeDefense(defense)
  if (defense.kind === 'none') return { kind: 'none', label }
  const model = async () => (await defended(state, modelId, defense)).model
  if (defense.kind === 'd1') return { kind: 'd1', r: defense.radius, options: defense.mask, label, model }
  return { kind: 'd2', label, model }
}

function concatInto(parts: Float32Array[], total: number): Float32Array {
  const out = new Float32Array(total)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

export const attackHandlers: HandlerTable = {
  async 'attack.list'() {
    return listAttacks()
  },

  async 'attack.presets'({ height, width }) {
    return listCurvePresets(height, width)
  },

  async 'attack.run'({ modelId, datasetId, attack, defense, batchSize, returnAdversarials, ...selection }, ctx, state) {
    const dataset = getDataset(state, datasetId)
    const { model } = await defended(state, modelId, defense)
    checkCompatible(model, dataset)
    const indices = selectIndices(dataset, selection)
    const n = indices.length
    const bins = radialBins(dataset.info.shape[0], dataset.info.shape[1])
    const run: AttackRun = {
      attack: attack.id,
      params: attack.params ?? {},
      defense: describeDefense(defense),
      shape: dataset.info.shape,
      indices,
      labels: new Int32Array(n),
      cleanPredicted: new Int32Array(n),
      predicted: new Int32Array(n),
      confidence: new Float32Array(n),
      success: new Uint8Array(n),
      margin: new Float32Array(n),
      l2: new Float32Array(n),
      linf: new Float32Array(n),
      queries: new Int32Array(n),
      spectrum: { bins, profiles: new Float32Array(n * bins) },
      extra: {},
    }
    const adversarials: Float32Array[] = []
    await forEachBatch(dataset, indices, batchSize, ctx, attack.id, async ({ offset, indices: ids, labels, images }) => {
      const batchCtx = { ...ctx, progress: (done: number, total: number, phase?: string) => ctx.progress(offset + (total ? (done / total) * ids.length : 0), n, phase) }
      const result = await runAttackBatched(attack.id, model, images, labels, attack.params ?? {}, batchCtx, { batchSize, sampleIds: ids })
      const adv = tf.tensor4d(result.adversarial, images.shape)
      const [clean, after] = [await predictBatch(model, images), await predictBatch(model, adv)]
      adv.dispose()
      run.labels.set(labels, offset)
      run.cleanPredicted.set(clean.labels, offset)
      run.predicted.set(after.labels, offset)
      run.confidence.set(after.confidences, offset)
      run.success.set(result.success, offset)
      run.margin.set(result.margin, offset)
      run.l2.set(result.distanceL2, offset)
      run.linf.set(result.distanceLinf, offset)
      run.queries.set(result.queries, offset)
      run.spectrum.profiles.set(result.spectrum.profiles, offset * run.spectrum.bins)
      for (const [key, values] of Object.entries(result.extra ?? {})) {
        run.extra[key] ??= values instanceof Int32Array ? new Int32Array(n) : new Float32Array(n)
        run.extra[key].set(values, offset)
      }
      if (returnAdversarials) adversarials.push(result.adversarial)
    })
    if (returnAdversarials) run.adversarial = concatInto(adversarials, n * dataset.info.shape.reduce((a, b) => a * b, 1))
    return run
  },

  async 'attack.curve'({ modelId, datasetId, attacks, defenses, protocols, norm, points, batchSize, ...selection }, ctx, state) {
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
          defences: defenses.map((d) => defenceSpec(state, modelId, d)),
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
        entries: result.entries.map((e) => ({ distances: e.curve.distances, adversarialCorrect: e.curve.adversarialCorrect, adversarial: e.adversarial!, spectrum: e.spectrum })),
      })
      while (state.runs.size > MAX_STORED_RUNS) state.runs.delete(state.runs.keys().next().value!)
      const entries = result.entries.map(({ adversarial: _adversarial, ...entry }) => entry)
      const run: CurveRun = { runId, indices, labels, entries, skipped: result.skipped, envelopes: result.envelopes, cancelled: result.cancelled }
      return run
    } finally {
      images.dispose()
    }
  },

  async 'attack.examples'({ runId, entry, eps, max }, _ctx, state) {
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
        distance: stored.distances[k],
        adversarialCorrect: false,
        original: originals.slice(j * size, (j + 1) * size),
        adversarial: stored.adversarial.slice(k * size, (k + 1) * size),
        spectrum: stored.spectrum.profiles.slice(k * stored.spectrum.bins, (k + 1) * stored.spectrum.bins),
      })),
    }
  },
}
