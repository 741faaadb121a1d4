import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { perSampleDistance } from '../eval/distance'
import { radialBins, radialEnergyProfiles } from '../spectral'
import type { AttackCandidate, AttackResult } from './attack-result'
import { verdict } from './margin'

/**
 * Turns an attack loop's outcome into its result: every claimed success is re-checked under the
 * margin rule by querying the model again on the exact returned image, failures get the clean
 * image back, and the distances and margins are measured on the returned images rather than
 * trusted from the loop, as is where each perturbation puts its energy (the radial profile of
 * adversarial − clean, docs/algorithms.md §Beyond the paper).
 */
export async function finishAttack(
  model: Classifier,
  images: tf.Tensor4D,
  labels: ArrayLike<number>,
  candidate: AttackCandidate,
): Promise<AttackResult> {
  const n = images.shape[0]
  const clean = (await images.data()) as Float32Array
  const size = clean.length / Math.max(n, 1)
  const adversarial = new Float32Array(clean)
  for (let i = 0; i < n; i++) {
    if (candidate.success[i]) {
      const from = candidate.adversarial.subarray(i * size, (i + 1) * size)
      for (let k = 0; k < size; k++) adversarial[i * size + k] = Math.min(1, Math.max(0, from[k]))
    }
  }
  const advTensor = tf.tensor4d(adversarial, images.shape)
  const checked = await verdict(model, advTensor, labels)
  advTensor.dispose()
  const success = new Uint8Array(n)
  const margin = checked.margin
  let reverted = false
  for (let i = 0; i < n; i++) {
    success[i] = candidate.success[i] && checked.fooled[i] ? 1 : 0
    if (candidate.success[i] && !success[i]) {
      adversarial.set(clean.subarray(i * size, (i + 1) * size), i * size)
      reverted = true
    }
  }
  if (reverted) {
    const cleanMargin = (await verdict(model, images, labels)).margin
    for (let i = 0; i < n; i++) if (candidate.success[i] && !success[i]) margin[i] = cleanMargin[i]
  }
  const delta = new Float32Array(adversarial.length)
  for (let k = 0; k < delta.length; k++) delta[k] = adversarial[k] - clean[k]
  const [, h, w, c] = images.shape
  return {
    adversarial,
    success,
    margin,
    distanceL2: perSampleDistance(clean, adversarial, n, 'l2'),
    distanceLinf: perSampleDistance(clean, adversarial, n, 'linf'),
    queries: candidate.queries,
    spectrum: { bins: radialBins(h, w), profiles: radialEnergyProfiles({ data: delta, shape: [n, h, w, c] }) },
    ...(candidate.extra ? { extra: candidate.extra } : {}),
  }
}
