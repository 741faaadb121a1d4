import * as tf from '@tensorflow/tfjs-core'
import { normal, type Rng } from '../base/random'
import { defineAttack } from './base'
import { gradientsOf } from './model-gradients'
import { projectOntoBand } from './band'
import type { PgdParams } from './params'
import { sampleRngs } from './sample-rngs'

/** Foolbox 3's LinfPGD / L2PGD defaults, and the budgets used when none are given. */
const DEFAULTS = {
  linf: { epsilons: [0.3], steps: 40, relStepsize: 0.01 / 0.3 },
  l2: { epsilons: [2.0], steps: 50, relStepsize: 0.025 },
} as const

/** Per-sample random start offsets: uniform in the L∞ box, or uniform in the L2 ball (Voelker et al.). */
function randomStart(rngs: Rng[], size: number, epsilon: number, norm: 'linf' | 'l2'): Float32Array {
  const out = new Float32Array(rngs.length * size)
  const draws = new Float64Array(size + 2)
  rngs.forEach((rng, row) => {
    const offset = row * size
    if (norm === 'linf') {
      for (let k = 0; k < size; k++) out[offset + k] = (2 * rng() - 1) * epsilon
      return
    }
    // A uniform point of the (n+2)-sphere, with two coordinates dropped, is uniform in the n-ball.
    let sq = 0
    for (let k = 0; k < size + 2; k++) {
      draws[k] = normal(rng)
      sq += draws[k] * draws[k]
    }
    const scale = epsilon / Math.sqrt(sq)
    for (let k = 0; k < size; k++) out[offset + k] = draws[k] * scale
  })
  return out
}

/** Per-sample L2 norms as a [b, 1, 1, 1] tensor, floored at 1e-12 as Foolbox does. */
function l2Norms(t: tf.Tensor4D): tf.Tensor4D {
  return tf.maximum(tf.sqrt(tf.sum(tf.square(t), [1, 2, 3], true)), 1e-12) as tf.Tensor4D
}

/**
 * PGD (Madry et al.) with Foolbox 3's semantics: from a random point of the ε-ball, `steps`
 * ascent steps on the summed cross-entropy (sign of the gradient for L∞, the L2-normalised
 * gradient for L2), each followed by projection onto the ε-ball and clipping to [0, 1]; the last
 * iterate is the candidate. With several budgets, each sample keeps the smallest that fools the
 * model under the margin rule (recorded in extra.epsilon). Samples the model already gets wrong are returned unchanged.
 */
export const run = defineAttack<PgdParams>({
  name: 'pgd',
  cleanCheck: true,
  extra: { epsilon: { type: 'float32', initial: NaN, misclassified: 0 } },
  async run(attack) {
    const { model, images, labels, options, n, size, queries } = attack
    const defaults = DEFAULTS[options.norm]
    const epsilons = [...(options.epsilons ?? defaults.epsilons)].sort((a, b) => a - b)
    const steps = options.steps ?? defaults.steps
    const relStepsize = options.relStepsize ?? defaults.relStepsize
    const rngs = sampleRngs(options.seed, n, options.sampleIds)
    const epsilonUsed = attack.extra.epsilon
    const found = new Uint8Array(n)

    const totalSteps = epsilons.length * steps
    const gradients = gradientsOf(model)
    for (const [e, epsilon] of epsilons.entries()) {
      const pending = attack.active.filter((i) => !found[i])
      if (pending.length === 0) break
      const stepsize = relStepsize * epsilon
      const idx = tf.tensor1d(pending, 'int32')
      const x0 = tf.gather(images, idx) as tf.Tensor4D
      const y = tf.tensor1d(
        pending.map((i) => labels[i]),
        'int32',
      )
      idx.dispose()
      let x = options.randomStart
        ? tf.tidy(() => {
            const offsets = randomStart(
              pending.map((i) => rngs[i]),
              size,
              epsilon,
              options.norm,
            )
            return tf.clipByValue(tf.add(x0, projectOntoBand(tf.tensor4d(offsets, x0.shape), options)), 0, 1) as tf.Tensor4D
          })
        : x0.clone()
      try {
        for (let s = 0; s < steps; s++) {
          attack.checkCancelled()
          const current = x
          const gradient = await gradients.crossEntropy(current, y)
          x = tf.tidy(() => {
            const direction = options.norm === 'linf' ? tf.sign(gradient) : tf.div(gradient, l2Norms(gradient))
            const moved = tf.add(current, tf.mul(direction, stepsize))
            // Band-limited PGD (docs/algorithms.md §band-limited attacks) keeps only the band, then the ε-ball.
            const delta = projectOntoBand(tf.sub(moved, x0) as tf.Tensor4D, options)
            const projected =
              options.norm === 'linf'
                ? tf.clipByValue(delta, -epsilon, epsilon)
                : tf.mul(delta, tf.minimum(1, tf.div(epsilon, l2Norms(delta as tf.Tensor4D))))
            return tf.clipByValue(tf.add(x0, projected), 0, 1) as tf.Tensor4D
          })
          tf.dispose([current, gradient])
          attack.progress(e * steps + s + 1, totalSteps)
        }
        const fooled = await attack.fooled(x, pending)
        const values = (await x.data()) as Float32Array
        pending.forEach((i, row) => {
          queries[i] += steps + 1
          if (fooled[row]) {
            found[i] = 1
            epsilonUsed[i] = epsilon
            attack.accept(i, values, row)
          }
        })
      } finally {
        tf.dispose([x0, y, x])
      }
    }
  },
})
