import * as tf from '@tensorflow/tfjs-core'
import { defineAttack } from './base'
import { gradientsOf } from './model-gradients'
import { bandLimited, projectOntoBand, unitLinf } from './band'
import type { FgsmParams } from './params'

/** numpy.linspace(0, max, count + 1)[1:]. */
function linspaceTail(max: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => (max * (k + 1)) / count)
}

/** A hit among the first 20 values of the coarse scan triggers a re-scan of this many values below it. */
const RESCAN = 20

/**
 * FGSM as Foolbox 1.8's GradientSignAttack: g = sign(∇ₓ CE(x, y)); scan clip(x + εg) over
 * growing ε and keep the first (smallest) ε that fools the model under the margin rule; a hit at index < 20 re-scans
 * linspace(0, ε_hit, 21)[1:]. In `fixed` mode it takes one step of the given ε.
 * Every sample of the batch advances together: one forward pass per ε over the samples still
 * being scanned. Samples the model already gets wrong are returned unchanged, as Foolbox does.
 * Foolbox's second pass over linspace(0, max, 21)[1:] after a fruitless scan only re-tries
 * values the scan already tried, so it is not repeated.
 */
export const run = defineAttack<FgsmParams>({
  name: 'fgsm',
  cleanCheck: true,
  extra: { epsilon: { type: 'float32', initial: NaN, misclassified: 0 } },
  async run(attack) {
    const { model, images, labels, options, active, queries, size } = attack
    const epsilonUsed = attack.extra.epsilon
    const idx = tf.tensor1d(active, 'int32')
    const x = tf.gather(images, idx) as tf.Tensor4D
    const y = tf.tensor1d(
      active.map((i) => labels[i]),
      'int32',
    )
    const gradient = await gradientsOf(model).crossEntropy(x, y)
    // Band-limited (docs/algorithms.md §band-limited attacks): the signed gradient's part in the band, at L∞ norm 1.
    const direction = !bandLimited(options)
      ? tf.sign(gradient)
      : tf.tidy(() => unitLinf(projectOntoBand(tf.sign(gradient) as tf.Tensor4D, options)))
    gradient.dispose()
    for (const i of active) queries[i] += 1

    // Per active sample: the ε values still to try, and where it is in them.
    const schedules = active.map(() => (options.mode === 'fixed' ? [options.epsilon] : linspaceTail(options.maxEpsilon, options.epsilons)))
    const position = new Int32Array(active.length)
    const rescanned = new Uint8Array(active.length)
    // The coarse hit that started a re-scan: the answer if float rounding makes the re-scan miss.
    const coarseHits = new Map<number, { epsilon: number; image: Float32Array }>()
    let pending = active.map((_, k) => k)
    const total = options.mode === 'fixed' ? 1 : options.epsilons
    let round = 0
    try {
      while (pending.length > 0) {
        attack.checkCancelled()
        const eps = pending.map((k) => schedules[k][position[k]])
        const rows = tf.tensor1d(pending, 'int32')
        const candidate = tf.tidy(() => {
          const scale = tf.tensor4d(eps, [pending.length, 1, 1, 1])
          return tf.clipByValue(tf.add(tf.gather(x, rows), tf.mul(tf.gather(direction, rows), scale)), 0, 1) as tf.Tensor4D
        })
        rows.dispose()
        const fooled = await attack.fooled(
          candidate,
          pending.map((k) => active[k]),
        )
        const values = fooled.some((f) => f === 1) ? ((await candidate.data()) as Float32Array) : undefined
        candidate.dispose()
        const next: number[] = []
        pending.forEach((k, row) => {
          const i = active[k]
          queries[i] += 1
          if (fooled[row]) {
            if (options.mode === 'scan' && !rescanned[k] && position[k] < RESCAN) {
              coarseHits.set(k, { epsilon: eps[row], image: (values as Float32Array).slice(row * size, (row + 1) * size) })
              schedules[k] = linspaceTail(eps[row], RESCAN)
              position[k] = 0
              rescanned[k] = 1
              next.push(k)
              return
            }
            epsilonUsed[i] = eps[row]
            attack.accept(i, values as Float32Array, row)
            return
          }
          position[k] += 1
          if (position[k] < schedules[k].length) next.push(k)
          else {
            const hit = coarseHits.get(k)
            if (hit) {
              epsilonUsed[i] = hit.epsilon
              attack.accept(i, hit.image)
            }
          }
        })
        pending = next
        attack.progress(Math.min(++round, total), total)
      }
    } finally {
      tf.dispose([idx, x, y, direction])
    }
  },
})
