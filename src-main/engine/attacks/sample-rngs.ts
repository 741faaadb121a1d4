import { sampleRng, type Rng } from '../base/random'

/** The global id of every sample of a batch: the given ids, or 0..n-1. */
export function resolveSampleIds(n: number, sampleIds?: ArrayLike<number>): Int32Array {
  if (!sampleIds) return Int32Array.from({ length: n }, (_, i) => i)
  if (sampleIds.length !== n) throw new Error(`sampleIds has ${sampleIds.length} entries for ${n} images`)
  return Int32Array.from(sampleIds)
}

/** One independent random stream per sample, derived from (run seed, sample id). */
export function sampleRngs(seed: number, n: number, sampleIds?: ArrayLike<number>): Rng[] {
  return Array.from(resolveSampleIds(n, sampleIds), (id) => sampleRng(seed, id))
}
