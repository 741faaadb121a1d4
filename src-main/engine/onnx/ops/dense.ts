import * as tf from '@tensorflow/tfjs-core'
import type { OpSpec } from '../op-spec'
import { dropEmptyTail, need, num } from './common'

/** NumPy matmul semantics, including 1-D operands (promoted, then the added axis removed). */
export function matMulNumpy(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const a2 = a.rank === 1 ? tf.reshape(a, [1, a.shape[0]]) : a
  const b2 = b.rank === 1 ? tf.reshape(b, [b.shape[0], 1]) : b
  let y = tf.matMul(a2, b2)
  if (b.rank === 1) y = tf.squeeze(y, [y.rank - 1])
  if (a.rank === 1) y = tf.squeeze(y, [y.rank - (b.rank === 1 ? 1 : 2)])
  return y
}

export const DENSE_OPS: Record<string, OpSpec> = {
  Gemm: {
    layout: 'plain',
    canonical: (r) => {
      if (r.shape(0).length !== 2 || r.shape(1).length !== 2) throw r.unsupported('multiplies operands that are not matrices')
      return { alpha: r.float('alpha', 1), beta: r.float('beta', 1), transA: r.int('transA', 0), transB: r.int('transB', 0) }
    },
    run: (inputs, p) => {
      let y = tf.matMul(need(inputs, 0), need(inputs, 1), num(p, 'transA') === 1, num(p, 'transB') === 1)
      if (num(p, 'alpha') !== 1) y = tf.mul(y, num(p, 'alpha'))
      const c = inputs[2]
      if (c) y = tf.add(y, num(p, 'beta') === 1 ? c : tf.mul(c, num(p, 'beta')))
      return [y]
    },
    emit: (b, inputs, p) =>
      b.node('Gemm', dropEmptyTail(inputs), {
        alpha: num(p, 'alpha'),
        beta: num(p, 'beta'),
        transA: num(p, 'transA'),
        transB: num(p, 'transB'),
      }),
  },
  MatMul: {
    layout: 'plain',
    canonical: () => ({}),
    run: (inputs) => [matMulNumpy(need(inputs, 0), need(inputs, 1))],
    emit: (b, inputs) => b.node('MatMul', inputs.slice(0, 2)),
  },
}
