import * as tf from '@tensorflow/tfjs-core'
import { runAttackBatched, type AttackResult } from '../attacks'
import { LabError } from '../base/errors'
import type { JobContext } from '../base/job-context'
import { forEachBatch } from '../jobs/batches'
import { predictBatch, type Predictions } from '../jobs/predict'
import { planAttacks } from './attack-plan'
import { GallerySummaryBuilder } from './summary'
import type { AttackOutcome, GalleryRequest, GallerySummary, GalleryRow, PlannedAttack } from './types'

export const DEFAULT_GALLERY_BATCH = 32

/** One attacked batch: the rows and the pixels they came from (valid during the visit only). */
export interface GalleryBatch {
  /** Position of the batch's first sample in the selection. */
  offset: number
  indices: Int32Array
  labels: Int32Array
  rows: GalleryRow[]
  /** Which rows pass the request's filter (onlyAllFooled / onlyFooledBy). */
  keep: boolean[]
  /** Clean images, NHWC float32 in [0, 1]. */
  clean: Float32Array
  /** Per attack key: adversarial images, NHWC float32 in [0, 1]. */
  adversarial: Record<string, Float32Array>
  /** Per attack key: the attack's ‖x_adv − x‖∞ per sample. */
  linf: Record<string, Float32Array>
}

export interface GalleryRun {
  plan: PlannedAttack[]
  summary: GallerySummary
}

function outcome(result: AttackResult, prediction: Predictions, k: number): AttackOutcome {
  const extra: Record<string, number | null> = {}
  // NaN marks "not applicable" (e.g. the noise level of a failed salt & pepper); JSON has no NaN.
  for (const [name, values] of Object.entries(result.extra ?? {})) extra[name] = Number.isFinite(values[k]) ? values[k] : null
  return {
    success: result.success[k] === 1,
    margin: result.margin[k],
    label: prediction.labels[k],
    confidence: prediction.confidences[k],
    l2: result.distanceL2[k],
    linf: result.distanceLinf[k],
    queries: result.queries[k],
    extra,
  }
}

/** Validates a gallery request before any work, returning its attacks with resolved parameters. */
export function prepareGallery(request: GalleryRequest): PlannedAttack[] {
  const plan = planAttacks(request.attacks, request.model, request.seed ?? 0)
  const data = request.dataset.info.shape
  const model = request.model.info.inputShape
  if (data.some((d, i) => d !== model[i])) {
    throw new LabError(
      'GALLERY_SHAPE',
      `The data set's images are ${data.join('×')} but the model "${request.model.info.name}" takes ${model.join('×')}. Choose a matching data set, or open image folders resized to the model's input.`,
    )
  }
  if (request.onlyFooledBy !== undefined && !plan.some((a) => a.key === request.onlyFooledBy)) {
    throw new LabError(
      'GALLERY_FILTER',
      `The filter names the attack "${request.onlyFooledBy}", which is not in this gallery. Choose one of: ${plan.map((a) => a.key).join(', ')}.`,
    )
  }
  const size = request.batchSize ?? DEFAULT_GALLERY_BATCH
  if (!Number.isInteger(size) || size < 1)
    throw new LabError('GALLERY_BATCH', `The batch size ${size} must be a whole number of at least 1.`)
  return plan
}

/**
 * The shared loop of the gallery run and its export: per batch of samples, runs every attack
 * (sample ids = data-set indices, so seeded attacks give the same image whatever the batching,
 * selection or sharding), predicts clean and adversarial labels with confidences, builds the rows
 * and hands the batch to `visit` before its pixels are dropped. Returns the run's summary.
 */
export async function runGalleryBatches(
  request: GalleryRequest,
  ctx: JobContext,
  visit: (batch: GalleryBatch) => Promise<void>,
): Promise<GalleryRun> {
  const { model, dataset, indices } = request
  const plan = prepareGallery(request)
  const builder = new GallerySummaryBuilder(plan, dataset.info.shape)
  const total = indices.length
  await forEachBatch(
    dataset,
    indices,
    request.batchSize ?? DEFAULT_GALLERY_BATCH,
    ctx,
    'gallery',
    async ({ offset, indices: ids, labels, images }) => {
      const clean = (await images.data()) as Float32Array
      const cleanPrediction = await predictBatch(model, images)
      const adversarial: Record<string, Float32Array> = {}
      const linf: Record<string, Float32Array> = {}
      const outcomes: Record<string, AttackOutcome[]> = {}
      for (const [a, attack] of plan.entries()) {
        const attackCtx: JobContext = {
          signal: ctx.signal,
          partial: () => {},
          progress: (done, of) =>
            ctx.progress(
              offset + (ids.length * (a + (of > 0 ? Math.min(done / of, 1) : 1))) / plan.length,
              total,
              `attack: ${attack.label}`,
            ),
        }
        const result = await runAttackBatched(attack.id, model, images, labels, attack.params, attackCtx, {
          batchSize: ids.length,
          sampleIds: ids,
        })
        const advImages = tf.tensor4d(result.adversarial, images.shape)
        const prediction = await predictBatch(model, advImages)
        advImages.dispose()
        adversarial[attack.key] = result.adversarial
        linf[attack.key] = result.distanceLinf
        outcomes[attack.key] = Array.from(ids, (_, k) => outcome(result, prediction, k))
      }
      const rows: GalleryRow[] = Array.from(ids, (index, k) => {
        const cleanCorrect = cleanPrediction.labels[k] === labels[k]
        const attacks = Object.fromEntries(plan.map((a) => [a.key, outcomes[a.key][k]]))
        return {
          index,
          label: labels[k],
          clean: { label: cleanPrediction.labels[k], confidence: cleanPrediction.confidences[k] },
          cleanCorrect,
          attacks,
          allFooled: cleanCorrect && plan.every((a) => attacks[a.key].success),
        }
      })
      const keep = rows.map(
        (r) =>
          (!request.onlyAllFooled || r.allFooled) &&
          (request.onlyFooledBy === undefined || (r.cleanCorrect && r.attacks[request.onlyFooledBy].success)),
      )
      builder.addBatch(rows, keep, clean, adversarial)
      await visit({ offset, indices: ids, labels, rows, keep, clean, adversarial, linf })
    },
  )
  return { plan, summary: builder.summary() }
}
