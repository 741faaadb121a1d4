import * as tf from '@tensorflow/tfjs-core'
import { lowPass } from '../spectral'
import { defineAttack } from './base'
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
export const run = defineAttack<HfParams>({
  name: 'hf',
  cleanCheck: false,
  extra: { radius: { type: 'float32', initial: NaN } },
  async run(attack) {
    const { images, options, n, queries } = attack
    const [, h, w] = images.shape
    const schedule = hfSchedule(h, w, options.step, options.rMin ?? defaultRMin(h, w))
    const mask = { kind: options.mask, rule: options.rule }
    const radius = attack.extra.radius

    let active = attack.active
    for (const [t, { r }] of schedule.entries()) {
      if (active.length === 0) break
      attack.checkCancelled()
      const low = tf.tidy(() => {
        const x = active.length === n ? images : (tf.gather(images, tf.tensor1d(active, 'int32')) as tf.Tensor4D)
        const filtered = lowPass(x, r, mask)
        return options.clip ? (tf.clipByValue(filtered, 0, 1) as tf.Tensor4D) : filtered
      })
      const fooled = await attack.fooled(low, active)
      const values = fooled.some((f) => f === 1) ? ((await low.data()) as Float32Array) : undefined
      low.dispose()
      const next: number[] = []
      active.forEach((i, row) => {
        queries[i] += 1
        if (!fooled[row]) {
          next.push(i)
          return
        }
        radius[i] = r
        attack.accept(i, values as Float32Array, row)
      })
      active = next
      attack.progress(t + 1, schedule.length)
    }
  },
})
