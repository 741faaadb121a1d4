import * as tf from '@tensorflow/tfjs-core'
import type { OpSpec } from '../op-spec'
import { broadcastShapes, need, sameOp } from './common'

/** ONNX integer division truncates toward zero; tf.div on int32 floors. */
function divide(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.dtype !== 'int32' || b.dtype !== 'int32') return tf.div(a, b)
  const q = tf.floorDiv(tf.abs(a), tf.abs(b))
  return tf.mul(q, tf.cast(tf.mul(tf.sign(a), tf.sign(b)), 'int32'))
}

function sameDtype(a: tf.Tensor, b: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return a.dtype === b.dtype ? [a, b] : [tf.cast(a, 'float32'), tf.cast(b, 'float32')]
}

/**
 * A comparison or logical op: its result is constant almost everywhere, so its gradient is zero.
 * (TF.js registers no gradient for them and would fail on any model that compares activations.)
 */
function flat(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, cast?: 'bool'): (a: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad(((a: tf.Tensor, b: tf.Tensor) => ({
    value: f(a, b),
    gradFunc: () => [tf.zeros(a.shape), tf.zeros(b.shape)],
  })) as never) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor
  return (a, b) => {
    const [x, y] = cast ? [tf.cast(a, cast), tf.cast(b, cast)] : sameDtype(a, b)
    return op(x, y)
  }
}

const logicalNot = tf.customGrad(((a: tf.Tensor) => ({
  value: tf.logicalNot(tf.cast(a, 'bool')),
  gradFunc: () => tf.zeros(a.shape),
})) as never) as (a: tf.Tensor) => tf.Tensor

/** Element-wise op with ONNX (NumPy) broadcasting over two inputs. */
function binary(op: string, f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OpSpec {
  return { layout: 'follow', canonical: () => ({}), run: (inputs) => [f(need(inputs, 0), need(inputs, 1))], emit: sameOp(op) }
}

/** Element-wise op over any number of inputs (Sum, Max, Min, Mean). */
function variadic(op: string, f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, mean = false): OpSpec {
  return {
    layout: 'follow',
    canonical: () => ({}),
    run: (inputs) => {
      const xs = inputs.filter((x): x is tf.Tensor => x !== undefined)
      const total = xs.slice(1).reduce(f, xs[0])
      return [mean ? tf.div(total, xs.length) : total]
    },
    emit: sameOp(op),
  }
}

export const BINARY_OPS: Record<string, OpSpec> = {
  Add: binary('Add', (a, b) => tf.add(...sameDtype(a, b))),
  Sub: binary('Sub', (a, b) => tf.sub(...sameDtype(a, b))),
  Mul: binary('Mul', (a, b) => tf.mul(...sameDtype(a, b))),
  Div: binary('Div', (a, b) => divide(...sameDtype(a, b))),
  Pow: binary('Pow', (a, b) => tf.pow(a, tf.cast(b, a.dtype))),
  Equal: binary('Equal', flat(tf.equal)),
  Greater: binary('Greater', flat(tf.greater)),
  Less: binary('Less', flat(tf.less)),
  GreaterOrEqual: binary('GreaterOrEqual', flat(tf.greaterEqual)),
  LessOrEqual: binary('LessOrEqual', flat(tf.lessEqual)),
  And: binary('And', flat(tf.logicalAnd, 'bool')),
  Or: binary('Or', flat(tf.logicalOr, 'bool')),
  Not: { layout: 'follow', canonical: () => ({}), run: (inputs) => [logicalNot(need(inputs, 0))], emit: sameOp('Not') },
  Sum: variadic('Sum', tf.add),
  Max: variadic('Max', tf.maximum),
  Min: variadic('Min', tf.minimum),
  Mean: variadic('Mean', tf.add, true),
  // PRelu broadcasts its slope onto x (unidirectionally); relu(x) - slope·relu(-x) keeps it differentiable.
  PRelu: binary('PRelu', (x, slope) => tf.sub(tf.relu(x), tf.mul(slope, tf.relu(tf.neg(x))))),
  Where: {
    layout: 'follow',
    canonical: () => ({}),
    run: (inputs) => {
      const [a, b] = sameDtype(need(inputs, 1), need(inputs, 2))
      const cond = tf.cast(need(inputs, 0), 'bool')
      const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape)
      return [tf.where(tf.broadcastTo(cond, shape), tf.broadcastTo(a, shape), tf.broadcastTo(b, shape))]
    },
    emit: sameOp('Where'),
  },
}
