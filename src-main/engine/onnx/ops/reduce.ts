import * as tf from '@tensorflow/tfjs-core'
import { tfAxis } from '../layout'
import type { OpSpec } from '../op-spec'
import { jsonList, need, normalizeAxis, num, nums } from './common'

/** Opsets from which the op takes its axes as an input instead of an attribute. */
const AXES_INPUT_FROM: Record<string, number> = { ReduceSum: 13, ReduceMean: 18, ReduceMax: 18, ReduceMin: 18 }

function reduce(
  op: 'ReduceSum' | 'ReduceMean' | 'ReduceMax' | 'ReduceMin',
  f: (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor,
): OpSpec {
  return {
    paramInputs: [1],
    layout: 'follow',
    canonical: (r) => {
      const rank = r.shape(0).length
      const given = r.opset < AXES_INPUT_FROM[op] ? r.ints('axes', undefined) : r.constantNumbers(1)
      const noop = r.int('noop_with_empty_axes', 0) === 1
      const axes =
        given && given.length > 0 ? given.map((a) => normalizeAxis(a, rank)) : noop ? [] : Array.from({ length: rank }, (_, i) => i)
      return { axes, keepDims: r.int('keepdims', 1) }
    },
    run: (inputs, p, tag) => {
      const x = need(inputs, 0)
      const axes = nums(p, 'axes')
      if (axes.length === 0) return [tf.clone(x)]
      return [
        f(
          x,
          axes.map((a) => tfAxis(a, x.rank, tag)),
          num(p, 'keepDims') === 1,
        ),
      ]
    },
    emit: (b, inputs, p) => {
      if (nums(p, 'axes').length === 0) return b.node('Identity', [inputs[0]])
      const keepdims = num(p, 'keepDims')
      return op === 'ReduceSum'
        ? b.node(op, [inputs[0], b.ints(jsonList(p, 'axes'))], { keepdims })
        : b.node(op, [inputs[0]], { axes: nums(p, 'axes'), keepdims })
    },
  }
}

export const REDUCE_OPS: Record<string, OpSpec> = {
  ReduceSum: reduce('ReduceSum', (x, a, k) => tf.sum(x, a, k)),
  ReduceMean: reduce('ReduceMean', (x, a, k) => tf.mean(x, a, k)),
  ReduceMax: reduce('ReduceMax', (x, a, k) => tf.max(x, a, k)),
  ReduceMin: reduce('ReduceMin', (x, a, k) => tf.min(x, a, k)),
}
