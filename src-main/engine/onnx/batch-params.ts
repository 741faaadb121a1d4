import type { Json, Params } from './op-spec'

/**
 * A parameter that depends on the batch size (x.view(x.size(0), -1) folds to [N, -1]): a model is
 * planned at two batch sizes, and a number that differs is recorded as perBatch·N + offset.
 */
export interface BatchLinear {
  perBatch: number
  offset: number
  /**
   * Where the batch is read when it is not axis 0 of the op's first input: that input's `axis`
   * has `perSample`·N entries (attention layers reshape sequence-first tensors such as
   * [tokens, N·heads, d] to [tokens·N, features]).
   */
  axis?: number
  perSample?: number
}

export function isBatchLinear(v: unknown): v is BatchLinear {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'perBatch' in v && 'offset' in v
}

/** Merges one parameter seen at batch sizes b1 and b2; undefined when their structure differs. */
export function mergeBatchJson(one: Json, two: Json, b1 = 1, b2 = 2): Json | undefined {
  if (typeof one === 'number' && typeof two === 'number') {
    if (one === two || (Number.isNaN(one) && Number.isNaN(two))) return one
    const perBatch = (two - one) / (b2 - b1)
    return { perBatch, offset: one - perBatch * b1 }
  }
  if (Array.isArray(one) && Array.isArray(two)) {
    if (one.length !== two.length) return undefined
    const out: Json[] = []
    for (let i = 0; i < one.length; i++) {
      const m = mergeBatchJson(one[i], two[i], b1, b2)
      if (m === undefined) return undefined
      out.push(m)
    }
    return out
  }
  if (one && two && typeof one === 'object' && typeof two === 'object' && !Array.isArray(one) && !Array.isArray(two)) {
    const keys = Object.keys(one)
    if (keys.length !== Object.keys(two).length) return undefined
    const out: { [k: string]: Json } = {}
    for (const k of keys) {
      if (!(k in two)) return undefined
      const m = mergeBatchJson(one[k], two[k], b1, b2)
      if (m === undefined) return undefined
      out[k] = m
    }
    return out
  }
  return one === two ? one : undefined
}

export function mergeBatchParams(one: Params, two: Params, b1: number, b2: number): Params | undefined {
  return mergeBatchJson(one, two, b1, b2) as Params | undefined
}

/** The parameters for an op whose first input has the given shape (the batch read from its batch axis). */
export function resolveBatch<T extends Json>(value: T, shape: readonly number[]): T {
  if (isBatchLinear(value)) return (value.perBatch * (shape[value.axis ?? 0] / (value.perSample ?? 1)) + value.offset) as T
  if (Array.isArray(value)) return value.map((v) => resolveBatch(v, shape)) as T
  if (value && typeof value === 'object') {
    const out: { [k: string]: Json } = {}
    for (const [k, v] of Object.entries(value)) out[k] = resolveBatch(v, shape)
    return out as T
  }
  return value
}

/** The parameters with every batch-dependent number reading the batch from `axis` of the op's first input. */
export function withBatchAxis<T extends Json>(value: T, axis: number, perSample: number): T {
  if (axis === 0 && perSample === 1) return value
  if (isBatchLinear(value)) return { perBatch: value.perBatch, offset: value.offset, axis, perSample } as Json as T
  if (Array.isArray(value)) return value.map((v) => withBatchAxis(v, axis, perSample)) as T
  if (value && typeof value === 'object') {
    const out: { [k: string]: Json } = {}
    for (const [k, v] of Object.entries(value)) out[k] = withBatchAxis(v, axis, perSample)
    return out as T
  }
  return value
}

export function dependsOnBatch(value: Json): boolean {
  if (isBatchLinear(value)) return true
  if (Array.isArray(value)) return value.some(dependsOnBatch)
  if (value && typeof value === 'object') return Object.values(value).some(dependsOnBatch)
  return false
}
