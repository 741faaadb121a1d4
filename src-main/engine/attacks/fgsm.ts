import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { throwIfCancelled, type JobContext } from '../base/job-context'
import { isAdversarial } from './margin'
import type { AttackResult, AttackRunOptions } from './attack-result'
import { gradientsOf } from './model-gradients'
import { finishAttack } from './finish'
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
export async function run(
  model: Classifier,
  images: tf.Tensor4D,
  labels: Int32Array,
  options: FgsmParams & AttackRunOptions,
  ctx: JobContext,
): Promise<AttackResult> {
  const n = images.shape[0]
  const size = images.size / Math.max(n, 1)
  // Starts as the clean images: samples the model already gets wrong are returned unchanged.
  const adversarial = new Float32Array((await images.data()) as Float32Array)
  const success = new Uint8Array(n)
  const queries = new Int32Array(n)
  const epsilonUsed = new Float32Array(n).fill(NaN)

  const wrong = await isAdversarial(model, images, labels)
  const active: number[] = []
  for (let i = 0; i < n; i++) {
    queries[i] = 1
    if (wrong[i]) {
      success[i] = 1
      epsilonUsed[i] = 0
    } else active.push(i)
  }
  if (active.length === 0) return finishAttack(model, images, labels, { adversarial, success, queries, extra: { epsilon: epsilonUsed } })

  const idx = tf.tensor1d(active, 'int32')
  const x = tf.gather(images, idx) as tf.Tensor4D
  const y = tf.tensor1d(active.map((i) => labels[i]), 'int32')
  const gradient = await gradientsOf(model).crossEntropy(x, y)
  // Band-limited (docs/algorithms.md §band-limited attacks): the signed gradient's part in the band, at L∞ norm 1.
  const direction = !bandLimited(options) ? tf.sign(gradient) : tf.tidy(() => unitLinf(projectOntoBand(tf.sign(gradient) as tf.Tensor4D, options)))
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
      throwIfCancelled(ctx.signal)
      const eps = pending.map((k) => schedules[k][position[k]])
      const rows = tf.tensor1d(pending, 'int32')
      const candidate = tf.tidy(() => {
        const scale = tf.tensor4d(eps, [pending.length, 1, 1, 1])
        return tf.clipByValue(tf.add(tf.gather(x, rows), tf.mul(tf.gather(direction, rows), scale)), 0, 1) as tf.Tensor4D
      })
      rows.dispose()
      const fooled = await isAdversarial(model, candidate, pending.map((k) => labels[active[k]]))
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
          success[i] = 1
          epsilonUsed[i] = eps[row]
          adversarial.set((values as Float32Array).subarray(row * size, (row + 1) * size), i * size)
          return
        }
        position[k] += 1
        if (position[k] < schedules[k].length) next.push(k)
        else {
          const hit = coarseHits.get(k)
          if (hit) {
            success[i] = 1
            epsilonUsed[i] = hit.epsilon
            adversarial.set(hit.image, i * size)
          }
        }
      })
      pending = next
      ctx.progress(Math.min(++round, total), total, 'fgsm')
    }
  } finally {
    tf.dispose([idx, x, y, direction])
  }
  return finishAttack(model, images, labels, { adversarial, success, queries, extra: { epsilon: epsilonUsed } })
}
