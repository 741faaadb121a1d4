import * as tf from '@tensorflow/tfjs-core'
import type { Tag } from '../layout'
import type { OpSpec } from '../op-spec'
import { dropEmptyTail, need, normalizeAxis, num } from './common'

/** A per-channel [C] parameter shaped to broadcast along the channel axis of x in `tag`. */
function perChannel(v: tf.Tensor, rank: number, tag: Tag): tf.Tensor {
  if (tag === 'nhwc' || rank <= 2) return v
  return tf.reshape(v, [v.size, ...Array(rank - 2).fill(1)])
}

export const NORMALIZATION_OPS: Record<string, OpSpec> = {
  BatchNormalization: {
    layout: 'spatial',
    canonical: (r) => {
      if (r.int('training_mode', 0) !== 0 || r.node.outputs.slice(1).some((o) => o !== '')) throw r.unsupported('runs in training mode')
      return { epsilon: r.float('epsilon', 1e-5) }
    },
    run: (inputs, p, tag) => {
      const x = need(inputs, 0)
      // Inference batch norm is the affine map x·a + c with a = scale / sqrt(var + eps), c = B - mean·a.
      const a = tf.div(need(inputs, 1), tf.sqrt(tf.add(need(inputs, 4), num(p, 'epsilon'))))
      const c = tf.sub(need(inputs, 2), tf.mul(need(inputs, 3), a))
      return [tf.add(tf.mul(x, perChannel(a, x.rank, tag)), perChannel(c, x.rank, tag))]
    },
    emit: (b, inputs, p) => b.node('BatchNormalization', inputs.slice(0, 5), { epsilon: num(p, 'epsilon') }),
  },
  InstanceNormalization: {
    layout: 'spatial',
    canonical: (r) => ({ epsilon: r.float('epsilon', 1e-5) }),
    run: (inputs, p, tag) => {
      const x = need(inputs, 0)
      const axes = tag === 'nhwc' ? [1, 2] : Array.from({ length: x.rank - 2 }, (_, i) => i + 2)
      const { mean, variance } = tf.moments(x, axes, true)
      const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, num(p, 'epsilon'))))
      return [tf.add(tf.mul(normalized, perChannel(need(inputs, 1), x.rank, tag)), perChannel(need(inputs, 2), x.rank, tag))]
    },
    emit: (b, inputs, p) => b.node('InstanceNormalization', inputs.slice(0, 3), { epsilon: num(p, 'epsilon') }),
  },
  LayerNormalization: {
    layout: 'plain',
    canonical: (r) => {
      if (r.node.outputs.slice(1).some((o) => o !== '')) throw r.unsupported('returns its mean or inverse deviation')
      return { axis: normalizeAxis(r.int('axis', -1), r.shape(0).length), epsilon: r.float('epsilon', 1e-5) }
    },
    run: (inputs, p) => {
      // Normalises over every axis from `axis` on, then scales and shifts by same-shaped parameters.
      const x = need(inputs, 0)
      const axes = Array.from({ length: x.rank - num(p, 'axis') }, (_, i) => i + num(p, 'axis'))
      const { mean, variance } = tf.moments(x, axes, true)
      const y = tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, num(p, 'epsilon')))), need(inputs, 1))
      const bias = inputs[2]
      return [bias ? tf.add(y, bias) : y]
    },
    emit: (b, inputs, p) =>
      b.node('LayerNormalization', dropEmptyTail(inputs.slice(0, 3)), { axis: num(p, 'axis'), epsilon: num(p, 'epsilon') }),
  },
  LRN: {
    layout: 'spatial',
    canonical: (r) => {
      if (r.shape(0).length !== 4) throw r.unsupported('normalizes data that is not 2-D')
      return { size: r.int('size', 5), alpha: r.float('alpha', 1e-4), beta: r.float('beta', 0.75), bias: r.float('bias', 1) }
    },
    run: (inputs, p) => {
      // ONNX LRN sums squares over channels [c - floor((size-1)/2), c + ceil((size-1)/2)].
      const x = need(inputs, 0)
      const size = num(p, 'size')
      const before = Math.floor((size - 1) / 2)
      const squares = tf.pad(tf.square(x), [
        [0, 0],
        [0, 0],
        [0, 0],
        [before, size - 1 - before],
      ] as [number, number][])
      const channels = x.shape[3] as number
      let sum = tf.slice(squares, [0, 0, 0, 0], [-1, -1, -1, channels])
      for (let k = 1; k < size; k++) sum = tf.add(sum, tf.slice(squares, [0, 0, 0, k], [-1, -1, -1, channels]))
      const scale = tf.pow(tf.add(num(p, 'bias'), tf.mul(num(p, 'alpha') / size, sum)), num(p, 'beta'))
      return [tf.div(x, scale)]
    },
    emit: (b, inputs, p) =>
      b.node('LRN', [inputs[0]], { size: num(p, 'size'), alpha: num(p, 'alpha'), beta: num(p, 'beta'), bias: num(p, 'bias') }),
  },
}
