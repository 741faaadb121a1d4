import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../base/random'
import { defineAttack } from './base'
import type { SaltPepperParams } from './params'
import { sampleRngs } from './sample-rngs'

/** Where one sample is in Foolbox's repetition × probability loop. */
interface SearchState {
  repetition: number
  /** Index into linspace(0, maxP, epsilons + 1)[1:] of the next probability to draw. */
  step: number
  maxP: number
  bestMse: number
  rng: Rng
}

/**
 * The next candidate worth a query: draws noise for successive probabilities (every draw
 * consumes the sample's random stream, as Foolbox does) and skips those whose MSE is not below
 * the best adversarial so far. Returns undefined once every repetition is spent.
 */
function nextCandidate(
  state: SearchState,
  clean: Float32Array,
  pixels: number,
  channels: number,
  epsilons: number,
  repetitions: number,
  out: Float32Array,
): { p: number; mse: number } | undefined {
  const u = new Float64Array(pixels)
  while (state.repetition < repetitions) {
    const p = (state.maxP * (state.step + 1)) / epsilons
    state.step += 1
    if (state.step === epsilons) {
      state.step = 0
      state.repetition += 1
    }
    for (let k = 0; k < pixels; k++) u[k] = state.rng()
    let sq = 0
    for (let k = 0; k < pixels; k++) {
      const salt = u[k] >= 1 - p / 2 ? 1 : 0
      const pepper = u[k] < p / 2 ? 1 : 0
      for (let ch = 0; ch < channels; ch++) {
        const at = k * channels + ch
        const value = Math.min(1, Math.max(0, clean[at] + salt - pepper))
        out[at] = value
        sq += (value - clean[at]) ** 2
      }
    }
    const mse = sq / (pixels * channels)
    if (mse < state.bestMse) return { p, mse }
  }
  return undefined
}

/**
 * Salt&Pepper as Foolbox 1.8's SaltAndPepperNoiseAttack: per repetition, noise probabilities
 * p ∈ linspace(0, maxP, epsilons + 1)[1:] with maxP starting at 1; salt where u ≥ 1 − p/2,
 * pepper where u < p/2, u ~ U(0, 1) per pixel and shared across channels; candidates not
 * closer (MSE) than the best adversarial are skipped; a success sets maxP = 1.2·p and starts
 * the next repetition (success: the margin rule). The minimum-MSE adversarial is returned. Every sample draws from its own
 * seeded stream; the samples that need a query at the same time share one batch.
 */
export const run = defineAttack<SaltPepperParams>({
  name: 'salt-pepper',
  cleanCheck: true,
  extra: { noise: { type: 'float32', initial: NaN } },
  async run(attack) {
    const { images, options, n, size, clean, queries } = attack
    const [, h, w, c] = images.shape
    const pixels = h * w
    const epsilons = Math.min(options.epsilons, pixels)
    const noise = attack.extra.noise
    const rngs = sampleRngs(options.seed, n, options.sampleIds)
    const states = new Map<number, SearchState>()
    for (const i of attack.active) states.set(i, { repetition: 0, step: 0, maxP: 1, bestMse: Infinity, rng: rngs[i] })
    const total = options.repetitions * epsilons
    let tick = 0
    const scratch = new Float32Array(size)
    while (states.size > 0) {
      attack.checkCancelled()
      const rows: { i: number; p: number; mse: number }[] = []
      const batch = new Float32Array(states.size * size)
      for (const [i, state] of states) {
        const found = nextCandidate(state, clean.subarray(i * size, (i + 1) * size), pixels, c, epsilons, options.repetitions, scratch)
        if (!found) {
          states.delete(i)
          continue
        }
        batch.set(scratch, rows.length * size)
        rows.push({ i, ...found })
      }
      if (rows.length === 0) break
      const candidates = tf.tensor4d(batch.subarray(0, rows.length * size), [rows.length, h, w, c])
      const fooled = await attack.fooled(
        candidates,
        rows.map((r) => r.i),
      )
      candidates.dispose()
      rows.forEach((r, row) => {
        queries[r.i] += 1
        if (!fooled[row]) return
        const state = states.get(r.i) as SearchState
        // Higher p usually, not always, means a larger perturbation: search a little above it.
        state.maxP = r.p * 1.2
        state.bestMse = r.mse
        if (state.step !== 0) {
          state.step = 0
          state.repetition += 1
        }
        noise[r.i] = r.p
        attack.accept(r.i, batch, row)
      })
      attack.progress(Math.min(++tick, total), total)
    }
  },
})
