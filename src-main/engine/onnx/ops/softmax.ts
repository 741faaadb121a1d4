import * as tf from '@tensorflow/tfjs-core'
import type { OpSpec } from '../op-spec'
import { need, normalizeAxis, num } from './common'

/** f over `axis` (tf's softmax works on the last axis only). */
function alongAxis(x: tf.Tensor, axis: number, f: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  const last = x.rank - 1
  if (axis === last) return f(x)
  const perm = Array.from({ length: x.rank }, (_, i) => (i === axis ? last : i === last ? axis : i))
  return tf.transpose(f(tf.transpose(x, perm)), perm)
}

/**
 * Softmax and LogSoftmax. Before opset 13 they flatten the input to 2-D at `axis` and normalise
 * each row ('legacy'); from 13 on they normalise along one axis.
 */
function softmaxLike(op: 'Softmax' | 'LogSoftmax', f: (t: tf.Tensor) => tf.Tensor): OpSpec {
  return {
    layout: 'plain',
    canonical: (r) => {
      const rank = r.shape(0).length
      const legacy = r.opset < 13
      return {
        axis: normalizeAxis(r.int('axis', legacy ? 1 : -1), rank),
        legacy: legacy && normalizeAxis(r.int('axis', 1), rank) !== rank - 1,
      }
    },
    run: (inputs, p) => {
      const x = need(inputs, 0)
      const axis = num(p, 'axis')
      if (!p.legacy) return [alongAxis(x, axis, f)]
      const rows = x.shape.slice(0, axis).reduce((a, b) => a * b, 1)
      return [tf.reshape(f(tf.reshape(x, [rows, -1])), x.shape)]
    },
    emit: (b, inputs, p) => {
      if (!p.legacy) return b.node(op, [inputs[0]], { axis: num(p, 'axis') })
      const flat = b.node('Flatten', [inputs[0]], { axis: num(p, 'axis') })[0]
      const y = b.node(op, [flat], { axis: -1 })[0]
      return b.node('Reshape', [y, b.node('Shape', [inputs[0]])[0]])
    },
  }
}

export const SOFTMAX_OPS: Record<string, OpSpec> = {
  Softmax: softmaxLike('Softmax', (t) => tf.softmax(t)),
  LogSoftmax: softmaxLike('LogSoftmax', (t) => tf.logSoftmax(t)),
}
