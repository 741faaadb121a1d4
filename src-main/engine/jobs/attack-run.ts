import { radialBins } from '../spectral'
import * as tf from '@tensorflow/tfjs-core'
import type { AttackChoice, AttackRun } from '../../protocol/attacks'
import { runAttackBatched } from '../attacks'
import type { JobContext } from '../base/job-context'
import type { Dataset } from '../data/dataset'
import type { Classifier } from '../models/classifier'
import { forEachBatch } from './batches'
import { predictBatch } from './predict'

function concatInto(parts: Float32Array[], total: number): Float32Array {
  const out = new Float32Array(total)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

export interface AttackJobOptions {
  /** The defense the attacked model carries, as the result names it. */
  defense: string
  batchSize: number
  /** Keep every adversarial image (N x H x W x C) in the result. */
  returnAdversarials: boolean
}

/**
 * One attack on every selected image, batch by batch: per sample the clean and adversarial
 * predictions, the attack's verdict and margin, distances, queries and its extra values.
 */
export async function attackSelection(
  model: Classifier,
  dataset: Dataset,
  indices: Int32Array,
  attack: AttackChoice,
  options: AttackJobOptions,
  ctx: JobContext,
): Promise<AttackRun> {
  const { batchSize, returnAdversarials } = options
  const n = indices.length
  const params = attack.params ?? {}
  const bins = radialBins(dataset.info.shape[0], dataset.info.shape[1])
  const run: AttackRun = {
    attack: attack.id,
    params,
    defense: options.defense,
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
    const batchCtx = {
      ...ctx,
      progress: (done: number, total: number, phase?: string) => ctx.progress(offset + (total ? (done / total) * ids.length : 0), n, phase),
    }
    const result = await runAttackBatched(attack.id, model, images, labels, params, batchCtx, { batchSize, sampleIds: ids })
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
    run.spectrum.profiles.set(result.spectrum.profiles, offset * bins)
    for (const [key, values] of Object.entries(result.extra ?? {})) {
      run.extra[key] ??= values instanceof Int32Array ? new Int32Array(n) : new Float32Array(n)
      run.extra[key].set(values, offset)
    }
    if (returnAdversarials) adversarials.push(result.adversarial)
  })
  if (returnAdversarials) run.adversarial = concatInto(adversarials, n * dataset.info.shape.reduce((a, b) => a * b, 1))
  return run
}
