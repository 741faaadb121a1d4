import type { Json, Params } from './op-spec'

/**
 * A parameter that depends on the batch size (x.view(x.size(0), -1) folds to [N, -1]): a model is
 * planned at two batch sizes, and a number that differs is recorded as perBatch·N + offset.
 */
export interface BatchLinear {
  perBatch: number
  offset: number
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

/** The parameters at batch size n. */
export function resolveBatch<T extends Json>(value: T, n: number): T {
  if (isBatchLinear(value)) return (value.perBatch * n + value.offset) as T
  if (Array.isArray(value)) return value.map((v) => resolveBatch(v, n)) as T
  if (value && typeof value === 'object') {
    const out: { [k: string]: Json } = {}
    for (const [k, v] of Object.entries(value)) out[k] = resolveBatch(v, n)
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
