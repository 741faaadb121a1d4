import * as tf from '@tensorflow/tfjs-core'
import { permutation } from '../base/random'
import { defineAttack } from './base'
import type { SinglePixelParams } from './params'
import { sampleRngs } from './sample-rngs'

/**
 * SinglePixel as Foolbox 1.8's SinglePixelAttack: a seeded random permutation of the H·W pixel
 * locations, the first `maxPixels` taken; each location is set, in all channels, to 0 and then
 * to 1, and the first image that fools the model (under the margin rule) is returned (at most 2·maxPixels queries).
 * Query t of every sample still searching is evaluated in one batch.
 */
export const run = defineAttack<SinglePixelParams>({
  name: 'single-pixel',
  cleanCheck: true,
  extra: { pixel: { type: 'int32', initial: -1 } },
  async run(attack) {
    const { images, options, n, size, clean, queries } = attack
    const [, h, w, c] = images.shape
    const pixel = attack.extra.pixel
    const rngs = sampleRngs(options.seed, n, options.sampleIds)
    const tries = Math.min(options.maxPixels, h * w)
    const orders = new Map(attack.active.map((i) => [i, permutation(h * w, rngs[i]).subarray(0, tries)]))

    let active = attack.active
    for (let t = 0; t < 2 * tries && active.length > 0; t++) {
      attack.checkCancelled()
      const value = t % 2 === 0 ? 0 : 1
      const batch = new Float32Array(active.length * size)
      active.forEach((i, row) => {
        batch.set(clean.subarray(i * size, (i + 1) * size), row * size)
        const at = row * size + orders.get(i)![t >> 1] * c
        batch.fill(value, at, at + c)
      })
      const candidates = tf.tensor4d(batch, [active.length, h, w, c])
      const fooled = await attack.fooled(candidates, active)
      candidates.dispose()
      const next: number[] = []
      active.forEach((i, row) => {
        queries[i] += 1
        if (fooled[row]) {
          pixel[i] = orders.get(i)![t >> 1]
          attack.accept(i, batch, row)
        } else next.push(i)
      })
      active = next
      attack.progress(t + 1, 2 * tries)
    }
  },
})
