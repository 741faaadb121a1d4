import type * as tf from '@tensorflow/tfjs-core'
import type { Json, OpSpec, Params } from '../op-spec'

/** The input at `i`, which the planner guarantees present for required inputs. */
export function need(inputs: (tf.Tensor | undefined)[], i: number): tf.Tensor {
  const x = inputs[i]
  if (!x) throw new Error(`internal error: input ${i + 1} is missing`)
  return x
}

export function num(params: Params, key: string): number {
  const v = params[key]
  if (typeof v !== 'number') throw new Error(`internal error: parameter ${key} is ${JSON.stringify(v)}`)
  return v
}

export function nums(params: Params, key: string): number[] {
  const v = params[key]
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw new Error(`internal error: parameter ${key} is ${JSON.stringify(v)}`)
  return v as number[]
}

/** A number parameter that may be null (unbounded Clip ends, omitted values). */
export function optionalNum(params: Params, key: string): number | null {
  const v = params[key]
  return typeof v === 'number' ? v : null
}

export function jsonList(params: Params, key: string): Json[] {
  const v = params[key]
  if (!Array.isArray(v)) throw new Error(`internal error: parameter ${key} is ${JSON.stringify(v)}`)
  return v
}

export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis
}

/** NumPy-style broadcast of two shapes (ONNX multidirectional broadcasting). */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length)
  const out: number[] = []
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1
    const db = b[b.length - rank + i] ?? 1
    if (da !== db && da !== 1 && db !== 1) throw new Error(`shapes [${a}] and [${b}] do not broadcast`)
    out.push(da === 1 ? db : da)
  }
  return out
}

/** An op written back as itself with the given attributes. */
export function sameOp(
  op: string,
  attributes: (params: Params) => Record<string, number | number[] | string> = () => ({}),
): OpSpec['emit'] {
  return (b, inputs, params, outputs) => b.node(op, inputs, attributes(params), outputs)
}

/** ONNX node inputs without trailing omitted optional inputs. */
export function dropEmptyTail(inputs: string[]): string[] {
  const out = [...inputs]
  while (out.length > 0 && out[out.length - 1] === '') out.pop()
  return out
}
