import { LabError } from '../base/errors'
import { mulberry32 } from '../base/random'

/**
 * Parses a CLI selection such as "0-99,120,200-210" into image indices, in the order written,
 * each index once. Ranges are inclusive; every index must lie in [0, count).
 */
export function parseIndices(text: string, count: number): Int32Array {
  const seen = new Set<number>()
  const out: number[] = []
  const add = (i: number) => {
    if (i >= count) {
      throw new LabError(
        'DATA_SELECTION',
        `Index ${i} in "${text}" is past the last image (${count - 1}). Choose indices from 0 to ${count - 1}.`,
      )
    }
    if (!seen.has(i)) {
      seen.add(i)
      out.push(i)
    }
  }
  for (const part of text.split(',').map((p) => p.trim())) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part)
    if (range) {
      const from = Number(range[1])
      const to = Number(range[2])
      if (to < from) throw new LabError('DATA_SELECTION', `The range "${part}" runs backwards. Write it low-high, e.g. ${to}-${from}.`)
      for (let i = from; i <= to; i++) add(i)
    } else if (/^\d+$/.test(part)) {
      add(Number(part))
    } else {
      throw new LabError('DATA_SELECTION', `"${part}" in "${text}" is not an index or a range. Write indices like 0-99,120,200-210.`)
    }
  }
  return Int32Array.from(out)
}

export interface SampleSelection {
  /** How many to pick at random; all candidates when absent or larger than the candidates. */
  n?: number
  /** Seed of the PRNG that picks them (default 0), so a run can be repeated. */
  seed?: number
  /** Keep only images of this class (or these classes). */
  class?: number | number[]
  /** Pick only among these image indices. */
  indices?: ArrayLike<number>
  /** Return the picks in ascending index order (default; reads stay sequential) or in the order drawn. */
  order?: 'sorted' | 'chosen'
}

/**
 * Picks images: filters by class and index list, then draws n without replacement with a seeded
 * mulberry32 partial Fisher-Yates shuffle. The first k picks in 'chosen' order are the same for
 * every n >= k with the same seed, so growing n extends a sample instead of replacing it.
 */
export function selectSamples(selection: SampleSelection, labels: Int32Array): Int32Array {
  const classes = selection.class === undefined ? null : new Set(Array.isArray(selection.class) ? selection.class : [selection.class])
  const pool: number[] = []
  const from = selection.indices ?? { length: labels.length }
  for (let k = 0; k < from.length; k++) {
    const i = selection.indices ? selection.indices[k] : k
    if (!Number.isInteger(i) || i < 0 || i >= labels.length) {
      throw new LabError('DATA_SELECTION', `Index ${i} is outside the data set (0 to ${labels.length - 1}). Choose indices in that range.`)
    }
    if (!classes || classes.has(labels[i])) pool.push(i)
  }
  const n = selection.n === undefined ? pool.length : Math.min(pool.length, selection.n)
  if (!Number.isInteger(n) || n < 0)
    throw new LabError('DATA_SELECTION', `The sample size ${selection.n} must be a whole number of at least 0.`)
  const random = mulberry32(selection.seed ?? 0)
  for (let k = 0; k < n; k++) {
    const j = k + Math.floor(random() * (pool.length - k))
    const t = pool[k]
    pool[k] = pool[j]
    pool[j] = t
  }
  const picked = Int32Array.from(pool.slice(0, n))
  return selection.order === 'chosen' ? picked : picked.sort()
}
