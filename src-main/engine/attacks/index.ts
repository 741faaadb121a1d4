import type * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import type { JobContext } from '../base/job-context'
import { LabError } from '../base/errors'
import { prepareGradients } from '../compute/forward'
import type { AttackResult } from './attack-result'
import { describeParams, type ParamDescriptor } from './param-descriptors'
import { ATTACKS, findAttack, type AttackEntry, type AttackId } from './registry'
import { runInBatches } from './base'

export type { AttackResult, AttackRunOptions } from './attack-result'
export type { ParamDescriptor } from './param-descriptors'
export type { AttackId, AttackEntry } from './registry'
export { findAttack } from './registry'
export { hfSchedule, defaultRMin, type HfStep } from './hf-schedule'
export { concatResults } from './base'

/** What the UI and the CLI need to know about an attack, as plain JSON. */
export interface AttackDescriptor {
  id: AttackId
  label: string
  summary: string
  needsGradients: boolean
  kind: AttackEntry['kind']
  params: ParamDescriptor[]
}

export function listAttacks(): AttackDescriptor[] {
  return ATTACKS.map((a) => ({
    id: a.id,
    label: a.label,
    summary: a.summary,
    needsGradients: a.needsGradients,
    kind: a.kind,
    params: describeParams(a.params),
  }))
}

/** Validates `params` against the attack's schema and fills in its defaults. */
export function resolveAttackParams(id: string, params: Record<string, unknown> = {}): Record<string, unknown> {
  const attack = requireAttack(id)
  const parsed = attack.params.strict().safeParse(params)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ')
    throw new LabError('ATTACK_PARAMS', `Invalid parameters for ${attack.label}: ${problems}. Fix them and run the attack again.`)
  }
  return parsed.data
}

function requireAttack(id: string): AttackEntry {
  const attack = findAttack(id)
  if (!attack) {
    throw new LabError('ATTACK_UNKNOWN', `There is no attack "${id}". Choose one of: ${ATTACKS.map((a) => a.id).join(', ')}.`)
  }
  return attack
}

/**
 * Runs attack `id` on a batch of images ([0, 1] NHWC) with validated parameters.
 * `sampleIds` are the samples' global indices, from which seeded attacks derive their streams.
 */
export async function runAttack(
  id: string,
  model: Classifier,
  images: tf.Tensor4D,
  labels: Int32Array,
  params: Record<string, unknown>,
  ctx: JobContext,
  sampleIds?: ArrayLike<number>,
): Promise<AttackResult> {
  const attack = requireAttack(id)
  const options = resolveAttackParams(id, params)
  if (attack.needsGradients) await prepareGradients(model)
  if (attack.needsGradients && !model.info.gradients) {
    throw new LabError(
      'ATTACK_NEEDS_GRADIENTS',
      `${attack.label} needs input gradients, which the model "${model.info.name}" does not provide. Choose a query-only attack (HF, single pixel, salt & pepper) or load a model with gradients.`,
    )
  }
  return attack.run(model, images, labels, { ...options, ...(sampleIds ? { sampleIds } : {}) }, ctx)
}

/**
 * runAttack over a stack of any size, `batchSize` images at a time (all images of a batch
 * advance together); per-sample results do not depend on the batching.
 */
export async function runAttackBatched(
  id: string,
  model: Classifier,
  images: tf.Tensor4D,
  labels: Int32Array,
  params: Record<string, unknown>,
  ctx: JobContext,
  options: { batchSize?: number; sampleIds?: ArrayLike<number> } = {},
): Promise<AttackResult> {
  resolveAttackParams(id, params)
  return runInBatches(
    (m, x, y, batchCtx, ids) => runAttack(id, m, x, y, params, batchCtx, ids),
    model,
    images,
    labels,
    options.batchSize ?? 32,
    ctx,
    options.sampleIds,
  )
}
