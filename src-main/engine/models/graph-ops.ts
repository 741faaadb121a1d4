import * as tf from '@tensorflow/tfjs-core'
import type { NodeAttrs } from './graph-attrs'

type Op = (inputs: tf.Tensor[], attrs: NodeAttrs) => tf.Tensor | tf.Tensor[]

const ints = (t: tf.Tensor): number[] => Array.from(t.dataSync())

/** [1, a, b, 1] NHWC attribute lists → [a, b]. */
function spatial(list: number[], fallback: number): [number, number] {
  return list.length === 4 ? [list[1], list[2]] : [fallback, fallback]
}

function padding(attrs: NodeAttrs): 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] {
  const pad = attrs.str('padding', 'VALID')
  if (pad === 'EXPLICIT') {
    const p = attrs.ints('explicit_paddings')
    return [
      [p[0], p[1]],
      [p[2], p[3]],
      [p[4], p[5]],
      [p[6], p[7]],
    ]
  }
  return pad === 'SAME' ? 'same' : 'valid'
}

function checkNhwc(attrs: NodeAttrs): void {
  const format = attrs.str('data_format', 'NHWC')
  if (format !== 'NHWC') throw new Error(`data_format ${format} is not supported (NHWC only)`)
}

const ACTIVATIONS: Record<string, (x: tf.Tensor, attrs: NodeAttrs) => tf.Tensor> = {
  Relu: (x) => tf.relu(x),
  Relu6: (x) => tf.relu6(x),
  Elu: (x) => tf.elu(x),
  Selu: (x) => tf.selu(x),
  Sigmoid: (x) => tf.sigmoid(x),
  Tanh: (x) => tf.tanh(x),
  LeakyRelu: (x, a) => tf.leakyRelu(x, a.float('leakyrelu_alpha', a.float('alpha', 0.2))),
}

/** The ops of a `_Fused*` node after its main product, in order (BiasAdd, FusedBatchNorm, activations). */
function applyFused(y: tf.Tensor, args: tf.Tensor[], attrs: NodeAttrs): tf.Tensor {
  let out = y
  let next = 0
  for (const op of attrs.strs('fused_ops')) {
    if (op === 'BiasAdd') out = tf.add(out, args[next++])
    else if (op === 'FusedBatchNorm') {
      const [scale, offset, mean, variance] = args.slice(next, next + 4)
      next += 4
      out = tf.batchNorm(out, mean, variance, offset, scale, attrs.float('epsilon', 1e-3))
    } else if (op === 'Prelu') out = tf.prelu(out, args[next++])
    else if (ACTIVATIONS[op]) out = ACTIVATIONS[op](out, attrs)
    else throw new Error(`fused op ${op} is not supported`)
  }
  return out
}

function conv(x: tf.Tensor, w: tf.Tensor, attrs: NodeAttrs): tf.Tensor {
  checkNhwc(attrs)
  return tf.conv2d(
    x as tf.Tensor4D,
    w as tf.Tensor4D,
    spatial(attrs.ints('strides'), 1),
    padding(attrs),
    'NHWC',
    spatial(attrs.ints('dilations'), 1),
  )
}

function depthwise(x: tf.Tensor, w: tf.Tensor, attrs: NodeAttrs): tf.Tensor {
  checkNhwc(attrs)
  const pad = padding(attrs)
  if (Array.isArray(pad)) throw new Error('explicit padding is not supported for depthwise convolutions')
  return tf.depthwiseConv2d(
    x as tf.Tensor4D,
    w as tf.Tensor4D,
    spatial(attrs.ints('strides'), 1),
    pad,
    'NHWC',
    spatial(attrs.ints('dilations'), 1),
  )
}

function pool(kind: 'max' | 'avg'): Op {
  return ([x], attrs) => {
    checkNhwc(attrs)
    const pad = padding(attrs)
    if (Array.isArray(pad)) throw new Error('explicit padding is not supported for pooling')
    const run = kind === 'max' ? tf.maxPool : tf.avgPool
    return run(x as tf.Tensor4D, spatial(attrs.ints('ksize'), 1), spatial(attrs.ints('strides'), 1), pad)
  }
}

function reduce(run: (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor): Op {
  return ([x, axes], attrs) => run(x, ints(axes), attrs.bool('keep_dims'))
}

/** The graph ops HFC Lab executes, with TF's semantics, as differentiable tf ops. */
export const GRAPH_OPS: Record<string, Op> = {
  Identity: ([x]) => x,
  StopGradient: ([x]) => x,
  Snapshot: ([x]) => x,
  Conv2D: ([x, w], a) => conv(x, w, a),
  _FusedConv2D: ([x, w, ...args], a) => applyFused(conv(x, w, a), args, a),
  DepthwiseConv2dNative: ([x, w], a) => depthwise(x, w, a),
  FusedDepthwiseConv2dNative: ([x, w, ...args], a) => applyFused(depthwise(x, w, a), args, a),
  MatMul: ([x, w], a) => tf.matMul(x, w, a.bool('transpose_a'), a.bool('transpose_b')),
  _FusedMatMul: ([x, w, ...args], a) => applyFused(tf.matMul(x, w, a.bool('transpose_a'), a.bool('transpose_b')), args, a),
  BiasAdd: ([x, b]) => tf.add(x, b),
  Add: ([x, y]) => tf.add(x, y),
  AddV2: ([x, y]) => tf.add(x, y),
  AddN: (xs) => tf.addN(xs),
  Sub: ([x, y]) => tf.sub(x, y),
  Mul: ([x, y]) => tf.mul(x, y),
  RealDiv: ([x, y]) => tf.div(x, y),
  Div: ([x, y]) => tf.div(x, y),
  Maximum: ([x, y]) => tf.maximum(x, y),
  Minimum: ([x, y]) => tf.minimum(x, y),
  SquaredDifference: ([x, y]) => tf.squaredDifference(x, y),
  ...Object.fromEntries(Object.entries(ACTIVATIONS).map(([name, f]) => [name, ([x]: tf.Tensor[], a: NodeAttrs) => f(x, a)])),
  Softmax: ([x]) => tf.softmax(x),
  LogSoftmax: ([x]) => tf.logSoftmax(x),
  Rsqrt: ([x]) => tf.rsqrt(x),
  Sqrt: ([x]) => tf.sqrt(x),
  Square: ([x]) => tf.square(x),
  Neg: ([x]) => tf.neg(x),
  Exp: ([x]) => tf.exp(x),
  Log: ([x]) => tf.log(x),
  Abs: ([x]) => tf.abs(x),
  Prelu: ([x, alpha]) => tf.prelu(x, alpha),
  MaxPool: pool('max'),
  AvgPool: pool('avg'),
  Mean: reduce((x, axes, keep) => tf.mean(x, axes, keep)),
  Sum: reduce((x, axes, keep) => tf.sum(x, axes, keep)),
  Max: reduce((x, axes, keep) => tf.max(x, axes, keep)),
  Min: reduce((x, axes, keep) => tf.min(x, axes, keep)),
  FusedBatchNorm: ([x, scale, offset, mean, variance], a) => tf.batchNorm(x, mean, variance, offset, scale, a.float('epsilon', 1e-3)),
  FusedBatchNormV3: ([x, scale, offset, mean, variance], a) => tf.batchNorm(x, mean, variance, offset, scale, a.float('epsilon', 1e-3)),
  Reshape: ([x, shape]) => tf.reshape(x, ints(shape)),
  Squeeze: ([x], a) => tf.squeeze(x, a.ints('squeeze_dims').length ? a.ints('squeeze_dims') : undefined),
  ExpandDims: ([x, axis]) => tf.expandDims(x, ints(axis)[0]),
  Transpose: ([x, perm]) => tf.transpose(x, ints(perm)),
  Pad: ([x, paddings]) =>
    tf.pad(
      x,
      tf.tidy(() => tf.reshape(paddings, [-1, 2]).arraySync() as [number, number][]),
    ),
  PadV2: ([x, paddings, value]) =>
    tf.pad(
      x,
      tf.tidy(() => tf.reshape(paddings, [-1, 2]).arraySync() as [number, number][]),
      value.dataSync()[0],
    ),
  ConcatV2: (xs) => tf.concat(xs.slice(0, -1), ints(xs[xs.length - 1])[0]),
  Pack: (xs, a) => tf.stack(xs, a.int('axis')),
  Shape: ([x]) => tf.tensor1d(x.shape, 'int32'),
  Cast: ([x], a) => tf.cast(x, a.type('DstT') === 'DT_INT32' ? 'int32' : 'float32'),
  StridedSlice: ([x, begin, end, strides], a) =>
    tf.stridedSlice(
      x,
      ints(begin),
      ints(end),
      ints(strides),
      a.int('begin_mask'),
      a.int('end_mask'),
      a.int('ellipsis_mask'),
      a.int('new_axis_mask'),
      a.int('shrink_axis_mask'),
    ),
}
