import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { throwIfCancelled, type JobContext } from '../base/job-context'
import { isAdversarial } from './margin'
import { lowPass } from '../spectral'
import type { AttackResult, AttackRunOptions } from './attack-result'
import { finishAttack } from './finish'
import { defaultRMin, hfSchedule } from './hf-schedule'
import type { HfParams } from './params'

/**
 * The paper's High-Frequency attack (docs/algorithms.md §HF), query-only: walk the (p, q) staircase from the
 * full spectrum downwards and, at each radius, classify x_l = LowPass(x, r) (clipped to [0, 1]
 * by default); a sample succeeds at the first radius where its image passes the margin rule
 * (misclassified by more than MARGIN_TAU, see ./margin), and fails (returning x) once the radius
 * would drop below r_min. One query per radius; at each radius all samples still unfooled are
 * filtered and classified in one batch.
 * extra.radius holds the radius of each success (NaN for failures).
 */
export async function run(
  model: Classifier,
  images: tf.Tensor4D,
  labels: Int32Array,
  options: HfParams & AttackRunOptions,
  ctx: JobContext,
): Promise<AttackResult> {
  const [n, h, w] = images.shape
  const size = images.size / Math.max(n, 1)
  const schedule = hfSchedule(h, w, options.step, options.rMin ?? defaultRMin(h, w))
  const mask = { kind: options.mask, rule: options.rule }
  const adversarial = new Float32Array(images.size)
  const success = new Uint8Array(n)
  const queries = new Int32Array(n)
  const radius = new Float32Array(n).fill(NaN)

  let active = Array.from({ length: n }, (_, i) => i)
  for (const [t, { r }] of schedule.entries()) {
    if (active.length === 0) break
    throwIfCancelled(ctx.signal)
    const low = tf.tidy(() => {
      const x = active.length === n ? images : (tf.gather(images, tf.tensor1d(active, 'int32')) as tf.Tensor4D)
      const filtered = lowPass(x, r, mask)
      return options.clip ? (tf.clipByValue(filtered, 0, 1) as tf.Tensor4D) : filtered
    })
    const fooled = await isAdversarial(model, low, active.map((i) => labels[i]))
    const values = fooled.some((f) => f === 1) ? ((await low.data()) as Float32Array) : undefined
    low.dispose()
    const next: number[] = []
    active.forEach((i, row) => {
      queries[i] += 1
      if (!fooled[row]) {
        next.push(i)
        return
      }
      success[i] = 1
      radius[i] = r
      adversarial.set((values as Float32Array).subarray(row * size, (row + 1) * size), i * size)
    })
    active = next
    ctx.progress(t + 1, schedule.length, 'hf')
  }
  return finishAttack(model, images, labels, { adversarial, success, queries, extra: { radius } })
}
