/**
 * Small seeded pseudo-random numbers for the engine (attacks, sampling, training).
 * Per-sample streams are derived from (run seed, sample index), so what happens to one sample
 * does not depend on which other samples share its batch.
 */

/** A generator of uniform floats in [0, 1). */
export type Rng = () => number

/** mulberry32: 32-bit state, period 2^32, good enough for noise and permutations. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** murmur3's 32-bit finaliser: spreads every input bit over the whole word. */
function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Combines a run seed and an index into one well-mixed 32-bit seed. */
export function mixSeed(seed: number, index: number): number {
  return fmix32((fmix32(seed >>> 0) + Math.imul((index >>> 0) + 1, 0x9e3779b1)) >>> 0)
}

/** The generator of sample `index` in a run seeded with `seed`. */
export function sampleRng(seed: number, index: number): Rng {
  return mulberry32(mixSeed(seed, index))
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, rng: Rng): Int32Array {
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    const t = order[i]
    order[i] = order[j]
    order[j] = t
  }
  return order
}

/** A standard normal draw (Box-Muller; the 1 - u keeps log away from 0). */
export function normal(rng: Rng): number {
  const u = 1 - rng()
  const v = rng()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}
