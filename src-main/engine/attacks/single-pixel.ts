import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { throwIfCancelled, type JobContext } from '../base/job-context'
import { isAdversarial } from './margin'
import { permutation } from '../base/random'
import type { AttackResult, AttackRunOptions } from './attack-result'
import { finishAttack } from './finish'
import type { SinglePixelParams } from './params'
import { sampleRngs } from './sample-rngs'

/**
 * SinglePixel as Foolbox 1.8's SinglePixelAttack: a seeded random permutation of the H·W pixel
 * locations, the first `maxPixels` taken; each location is set, in all channels, to 0 and then
 * to 1, and the first image that fools the model (under the margin rule) is returned (at most 2·maxPixels queries).
 * Query t of every sample still searching is evaluated in one batch.
 */
export async function run(
  model: Classifier,
  images: tf.Tensor4D,
  labels: Int32Array,
  options: SinglePixelParams & AttackRunOptions,
  ctx: JobContext,
): Promise<AttackResult> {
  const [n, h, w, c] = images.shape
  const size = h * w * c
  const clean = (await images.data()) as Float32Array
  // Starts as the clean images: samples the model already gets wrong are returned unchanged.
  const adversarial = new Float32Array(clean)
  const success = new Uint8Array(n)
  const queries = new Int32Array(n).fill(1)
  const pixel = new Int32Array(n).fill(-1)
  const wrong = await isAdversarial(model, images, labels)
  const rngs = sampleRngs(options.seed, n, options.sampleIds)
  const tries = Math.min(options.maxPixels, h * w)
  const orders = rngs.map((rng, i) => (wrong[i] ? new Int32Array(0) : permutation(h * w, rng).subarray(0, tries)))

  let active: number[] = []
  for (let i = 0; i < n; i++) {
    if (wrong[i]) success[i] = 1
    else active.push(i)
  }
  for (let t = 0; t < 2 * tries && active.length > 0; t++) {
    throwIfCancelled(ctx.signal)
    const value = t % 2 === 0 ? 0 : 1
    const batch = new Float32Array(active.length * size)
    active.forEach((i, row) => {
      batch.set(clean.subarray(i * size, (i + 1) * size), row * size)
      const at = row * size + orders[i][t >> 1] * c
      batch.fill(value, at, at + c)
    })
    const candidates = tf.tensor4d(batch, [active.length, h, w, c])
    const fooled = await isAdversarial(model, candidates, active.map((i) => labels[i]))
    candidates.dispose()
    const next: number[] = []
    active.forEach((i, row) => {
      queries[i] += 1
      if (fooled[row]) {
        success[i] = 1
        pixel[i] = orders[i][t >> 1]
        adversarial.set(batch.subarray(row * size, (row + 1) * size), i * size)
      } else next.push(i)
    })
    active = next
    ctx.progress(t + 1, 2 * tries, 'single-pixel')
  }
  return finishAttack(model, images, labels, { adversarial, success, queries, extra: { pixel } })
}
