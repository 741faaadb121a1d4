import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { LabError } from '../base/errors'
import { constTensor } from './const-tensor'
import type { OnnxGraphBuilder } from './graph-builder'
import { TO_NCHW, TO_NHWC, type Tag } from './layout'
import { OnnxOpLayer } from './onnx-op-layer'
import { ONNX_OPS } from './ops'

/** A TF.js tensor as written in the ONNX graph: its ONNX name and how the TF.js tensor relates to it. */
export interface Tagged {
  name: string
  tag: Tag
}

type Config = Record<string, unknown>

/** The ONNX tensor of `t` in the layout `tag` asks for (a Transpose when the layouts differ). */
export function toTag(b: OnnxGraphBuilder, t: Tagged, tag: Tag): string {
  if (t.tag === tag || b.shape(t.name).length !== 4) return t.name
  return b.node('Transpose', [t.name], { perm: tag === 'nhwc' ? TO_NCHW : TO_NHWC })[0]
}

/** ONNX axis of TF.js axis `axis` of a rank-`rank` tensor held in `tag`. */
function onnxAxis(axis: number, rank: number, tag: Tag): number {
  const a = axis < 0 ? axis + rank : axis
  return tag === 'nhwc' && rank === 4 ? TO_NHWC[a] : a
}

function pair(v: unknown): [number, number] {
  const a = Array.isArray(v) ? (v as number[]) : [v as number, v as number]
  return [a[0], a.length > 1 ? a[1] : a[0]]
}

/** TF 'same' padding of one spatial axis as [begin, end]. */
function samePads(input: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(input / stride)
  const total = Math.max(0, (out - 1) * stride + (kernel - 1) * dilation + 1 - input)
  return [Math.floor(total / 2), total - Math.floor(total / 2)]
}

/** ONNX pads [top, left, bottom, right] of a TF.js 'same'/'valid' window on an NCHW tensor. */
function windowPads(
  b: OnnxGraphBuilder,
  x: string,
  padding: unknown,
  kernel: number[],
  strides: number[],
  dilations: number[] = [1, 1],
): number[] {
  if (padding !== 'same') return [0, 0, 0, 0]
  const [, , h, w] = b.shape(x)
  const [t, bo] = samePads(h, kernel[0], strides[0], dilations[0])
  const [l, r] = samePads(w, kernel[1], strides[1], dilations[1])
  return [t, l, bo, r]
}

/** A layer weight by its short name (kernel, bias, gamma, ...), or undefined. */
function weight(layer: tfl.layers.Layer, short: string): tf.Tensor | undefined {
  const index = layer.weights.findIndex(
    (w) => w.originalName.split('/').pop() === short || w.name.split('/').pop()?.replace(/_\d+$/, '') === short,
  )
  return index >= 0 ? layer.getWeights()[index] : undefined
}

function constant(b: OnnxGraphBuilder, t: tf.Tensor, dims: number[] = t.shape): string {
  return b.floatConstant(t.dataSync() as Float32Array, dims)
}

/** OIHW weights from a TF.js [kh, kw, in, out] kernel. */
function oihw(b: OnnxGraphBuilder, kernel: tf.Tensor): string {
  const [kh, kw, cin, cout] = kernel.shape
  // Not in tf.tidy: it would walk every element of the returned array looking for tensors.
  const transposed = tf.transpose(kernel, [3, 2, 0, 1])
  try {
    return b.floatConstant(transposed.dataSync(), [cout, cin, kh, kw])
  } finally {
    transposed.dispose()
  }
}

/**
 * min(relu(x), max) as TF.js computes it, Relu then Clip: its gradient passes for 0 < x <= max.
 * A lone Clip(0, max) would pass it at x = 0 too, where a bias-free convolution over a black
 * region puts many units exactly (docs/algorithms.md §Attacks, gradients at clip kinks).
 */
function clippedRelu(b: OnnxGraphBuilder, x: Tagged, max: number): Tagged {
  const relu = b.node('Relu', [x.name])[0]
  return { name: b.node('Clip', [relu, b.floatScalar(0), b.floatScalar(max)])[0], tag: x.tag }
}

/** A Keras activation by name, applied to x (softmax along the TF.js last axis). */
export function activation(b: OnnxGraphBuilder, name: string, x: Tagged, where: string): Tagged {
  const rank = b.shape(x.name).length
  const lastAxis = onnxAxis(-1, rank, x.tag)
  const one = (op: string, attributes = {}) => ({ name: b.node(op, [x.name], attributes)[0], tag: x.tag })
  switch (name) {
    case 'linear':
      return x
    case 'relu':
      return one('Relu')
    case 'relu6':
      return clippedRelu(b, x, 6)
    case 'elu':
      return one('Elu', { alpha: 1 })
    case 'selu':
      return one('Selu')
    case 'sigmoid':
      return one('Sigmoid')
    case 'hardSigmoid':
    case 'hard_sigmoid':
      return one('HardSigmoid', { alpha: 0.2, beta: 0.5 })
    case 'softplus':
      return one('Softplus')
    case 'softsign':
      return one('Softsign')
    case 'tanh':
      return one('Tanh')
    case 'softmax':
      return one('Softmax', { axis: lastAxis })
    case 'logSoftmax':
    case 'log_softmax':
      return one('LogSoftmax', { axis: lastAxis })
    case 'swish':
      return { name: b.node('Mul', [x.name, b.node('Sigmoid', [x.name])[0]])[0], tag: x.tag }
    case 'mish':
      return { name: b.node('Mul', [x.name, b.node('Tanh', [b.node('Softplus', [x.name])[0]])[0]])[0], tag: x.tag }
    case 'gelu': {
      const erf = b.node('Erf', [b.node('Mul', [x.name, b.floatScalar(Math.SQRT1_2)])[0]])[0]
      return {
        name: b.node('Mul', [b.node('Mul', [x.name, b.floatScalar(0.5)])[0], b.node('Add', [erf, b.floatScalar(1)])[0]])[0],
        tag: x.tag,
      }
    }
    default:
      throw new LabError('EXPORT_UNSUPPORTED_LAYER', `Layer '${where}' uses the activation '${name}', which HFC Lab cannot write as ONNX.`)
  }
}

type Emitter = (b: OnnxGraphBuilder, layer: tfl.layers.Layer, inputs: Tagged[], config: Config) => Tagged[]

function conv2d(b: OnnxGraphBuilder, layer: tfl.layers.Layer, [input]: Tagged[], c: Config): Tagged[] {
  const x = toTag(b, input, 'nhwc')
  const kernel = weight(layer, 'kernel')
  if (!kernel) throw new Error(`internal error: ${layer.name} has no kernel`)
  const strides = pair(c.strides)
  const dilations = pair(c.dilationRate)
  const ks = [kernel.shape[0] as number, kernel.shape[1] as number]
  const bias = weight(layer, 'bias')
  const inputs = [x, oihw(b, kernel), ...(bias ? [constant(b, bias)] : [])]
  const y = b.node('Conv', inputs, {
    kernel_shape: ks,
    strides,
    dilations,
    group: 1,
    pads: windowPads(b, x, c.padding, ks, strides, dilations),
  })[0]
  return [activation(b, String(c.activation ?? 'linear'), { name: y, tag: 'nhwc' }, layer.name)]
}

function depthwise(b: OnnxGraphBuilder, layer: tfl.layers.Layer, [input]: Tagged[], c: Config): Tagged[] {
  const x = toTag(b, input, 'nhwc')
  const kernel = weight(layer, 'depthwise_kernel')
  if (!kernel) throw new Error(`internal error: ${layer.name} has no depthwise kernel`)
  const [kh, kw, cin, m] = kernel.shape
  // Depthwise output channel c·m + j uses kernel[:, :, c, j]: ONNX weights [cin·m, 1, kh, kw].
  const v = kernel.dataSync()
  const w = new Float32Array(v.length)
  for (let y = 0; y < kh; y++)
    for (let xx = 0; xx < kw; xx++)
      for (let ci = 0; ci < cin; ci++)
        for (let j = 0; j < m; j++) {
          w[((ci * m + j) * kh + y) * kw + xx] = v[((y * kw + xx) * cin + ci) * m + j]
        }
  const strides = pair(c.strides)
  const dilations = pair(c.dilationRate)
  const bias = weight(layer, 'bias')
  const inputs = [x, b.floatConstant(w, [cin * m, 1, kh, kw]), ...(bias ? [constant(b, bias)] : [])]
  const y = b.node('Conv', inputs, {
    kernel_shape: [kh, kw],
    strides,
    dilations,
    group: cin,
    pads: windowPads(b, x, c.padding, [kh, kw], strides, dilations),
  })[0]
  return [activation(b, String(c.activation ?? 'linear'), { name: y, tag: 'nhwc' }, layer.name)]
}

function dense(b: OnnxGraphBuilder, layer: tfl.layers.Layer, [input]: Tagged[], c: Config): Tagged[] {
  const x = toTag(b, input, 'plain')
  const kernel = weight(layer, 'kernel')
  if (!kernel) throw new Error(`internal error: ${layer.name} has no kernel`)
  const bias = weight(layer, 'bias')
  let y: string
  if (b.shape(x).length === 2) {
    y = b.node('Gemm', [x, constant(b, kernel), ...(bias ? [constant(b, bias)] : [])])[0]
  } else {
    y = b.node('MatMul', [x, constant(b, kernel)])[0]
    if (bias) y = b.node('Add', [y, constant(b, bias)])[0]
  }
  return [activation(b, String(c.activation ?? 'linear'), { name: y, tag: 'plain' }, layer.name)]
}

function pool(op: 'MaxPool' | 'AveragePool'): Emitter {
  return (b, _layer, [input], c) => {
    const x = toTag(b, input, 'nhwc')
    const kernel = pair(c.poolSize)
    const strides = c.strides ? pair(c.strides) : kernel
    const pads = windowPads(b, x, c.padding, kernel, strides)
    const attributes: Record<string, number | number[]> = { kernel_shape: kernel, strides, pads }
    if (op === 'AveragePool') attributes.count_include_pad = 0
    return [{ name: b.node(op, [x], attributes)[0], tag: 'nhwc' }]
  }
}

function globalPool(op: 'GlobalMaxPool' | 'GlobalAveragePool'): Emitter {
  return (b, _layer, [input]) => {
    const pooled = b.node(op, [toTag(b, input, 'nhwc')])[0]
    return [{ name: b.node('Flatten', [pooled], { axis: 1 })[0], tag: 'plain' }]
  }
}

function batchNorm(b: OnnxGraphBuilder, layer: tfl.layers.Layer, [input]: Tagged[], c: Config): Tagged[] {
  const rank = b.shape(input.name).length
  const axis = Array.isArray(c.axis) ? (c.axis as number[])[0] : (c.axis as number)
  if (onnxAxis(axis, rank, rank === 4 ? 'nhwc' : 'plain') !== 1) {
    throw new LabError(
      'EXPORT_UNSUPPORTED_LAYER',
      `BatchNormalization '${layer.name}' normalises axis ${axis}; HFC Lab writes channel-axis batch norm only.`,
    )
  }
  const x = toTag(b, input, 'nhwc')
  const mean = weight(layer, 'moving_mean')
  const variance = weight(layer, 'moving_variance')
  if (!mean || !variance) throw new Error(`internal error: ${layer.name} has no moving statistics`)
  const channels = mean.shape[0]
  const gamma = weight(layer, 'gamma')
  const beta = weight(layer, 'beta')
  const scale = gamma ? constant(b, gamma) : b.floatConstant(new Float32Array(channels).fill(1), [channels])
  const shift = beta ? constant(b, beta) : b.floatConstant(new Float32Array(channels), [channels])
  const y = b.node('BatchNormalization', [x, scale, shift, constant(b, mean), constant(b, variance)], {
    epsilon: Number(c.epsilon ?? 1e-3),
  })[0]
  return [{ name: y, tag: rank === 4 ? 'nhwc' : 'plain' }]
}

function merge(op: 'Add' | 'Mul' | 'Max' | 'Min' | 'Average'): Emitter {
  return (b, _layer, inputs) => {
    const tag = inputs[0].tag
    const names = inputs.map((t) => toTag(b, t, tag))
    let y = names.slice(1).reduce((acc, n) => b.node(op === 'Average' ? 'Add' : op, [acc, n])[0], names[0])
    if (op === 'Average') y = b.node('Div', [y, b.floatScalar(names.length)])[0]
    return [{ name: y, tag }]
  }
}

const KERAS_EMITTERS: Record<string, Emitter> = {
  Conv2D: conv2d,
  DepthwiseConv2D: depthwise,
  Dense: dense,
  MaxPooling2D: pool('MaxPool'),
  AveragePooling2D: pool('AveragePool'),
  GlobalMaxPooling2D: globalPool('GlobalMaxPool'),
  GlobalAveragePooling2D: globalPool('GlobalAveragePool'),
  BatchNormalization: batchNorm,
  Flatten: (b, _layer, [input]) => [{ name: b.node('Flatten', [toTag(b, input, 'plain')], { axis: 1 })[0], tag: 'plain' }],
  Activation: (b, layer, [input], c) => [activation(b, String(c.activation), input, layer.name)],
  ReLU: (b, layer, [input], c) => {
    if (c.maxValue === undefined || c.maxValue === null) return [activation(b, 'relu', input, layer.name)]
    return [clippedRelu(b, input, Number(c.maxValue))]
  },
  LeakyReLU: (b, _layer, [input], c) => [{ name: b.node('LeakyRelu', [input.name], { alpha: Number(c.alpha ?? 0.3) })[0], tag: input.tag }],
  ELU: (b, _layer, [input], c) => [{ name: b.node('Elu', [input.name], { alpha: Number(c.alpha ?? 1) })[0], tag: input.tag }],
  Softmax: (b, _layer, [input], c) => {
    const rank = b.shape(input.name).length
    const axis = Array.isArray(c.axis) ? (c.axis as number[])[0] : Number(c.axis ?? -1)
    return [{ name: b.node('Softmax', [input.name], { axis: onnxAxis(axis, rank, input.tag) })[0], tag: input.tag }]
  },
  Dropout: (_b, _layer, inputs) => inputs,
  SpatialDropout2D: (_b, _layer, inputs) => inputs,
  GaussianNoise: (_b, _layer, inputs) => inputs,
  GaussianDropout: (_b, _layer, inputs) => inputs,
  AlphaDropout: (_b, _layer, inputs) => inputs,
  ZeroPadding2D: (b, _layer, [input], c) => {
    const [[t, bo], [l, r]] = c.padding as [[number, number], [number, number]]
    const x = toTag(b, input, 'nhwc')
    return [{ name: b.node('Pad', [x, b.ints([0, 0, t, l, 0, 0, bo, r])], { mode: 'constant' })[0], tag: 'nhwc' }]
  },
  Rescaling: (b, _layer, [input], c) => {
    const scaled = b.node('Mul', [input.name, b.floatScalar(Number(c.scale))])[0]
    return [{ name: b.node('Add', [scaled, b.floatScalar(Number(c.offset ?? 0))])[0], tag: input.tag }]
  },
  Reshape: (b, _layer, [input], c) => {
    const x = toTag(b, input, 'plain')
    return [{ name: b.node('Reshape', [x, b.ints([{ perBatch: 1, offset: 0 }, ...(c.targetShape as number[])], x)])[0], tag: 'plain' }]
  },
  Permute: (b, _layer, [input], c) => [
    { name: b.node('Transpose', [toTag(b, input, 'plain')], { perm: [0, ...(c.dims as number[])] })[0], tag: 'plain' },
  ],
  Add: merge('Add'),
  Multiply: merge('Mul'),
  Maximum: merge('Max'),
  Minimum: merge('Min'),
  Average: merge('Average'),
  Concatenate: (b, _layer, inputs, c) => {
    const tag = inputs[0].tag
    const names = inputs.map((t) => toTag(b, t, tag))
    const axis = onnxAxis(Number(c.axis ?? -1), b.shape(names[0]).length, tag)
    return [{ name: b.node('Concat', names, { axis })[0], tag }]
  },
}

/** A layer converted from ONNX, written back as its ONNX node with its (possibly D2-filtered) weights. */
function onnxOpLayer(b: OnnxGraphBuilder, layer: OnnxOpLayer, inputs: Tagged[]): Tagged[] {
  const { spec } = layer
  const weights = layer.getWeights()
  const slots = spec.slots.map((slot) => {
    if (!slot) return ''
    if ('tensor' in slot) return toTag(b, inputs[slot.tensor], spec.inTags[slot.tensor])
    if ('weight' in slot) return constant(b, weights[slot.weight])
    return b.constant(constTensor(slot.const.kind, slot.const.dims, slot.const.values))
  })
  // Parameters that follow the batch size stay BatchLinear: the op writes them as computations
  // on the batch axis (OnnxGraphBuilder.ints).
  const names = ONNX_OPS[spec.op].emit(b, slots, spec.params, spec.outTags.length)
  return names.map((name, k) => ({ name, tag: spec.outTags[k] }))
}

/** Writes one TF.js layer as ONNX nodes; throws EXPORT_UNSUPPORTED_LAYER for layers it cannot write. */
export function emitLayer(b: OnnxGraphBuilder, layer: tfl.layers.Layer, inputs: Tagged[]): Tagged[] {
  if (layer instanceof OnnxOpLayer) return onnxOpLayer(b, layer, inputs)
  const emitter = KERAS_EMITTERS[layer.getClassName()]
  if (!emitter) {
    throw new LabError(
      'EXPORT_UNSUPPORTED_LAYER',
      `Layer '${layer.name}' (${layer.getClassName()}) cannot be written as ONNX yet. Layers HFC Lab writes: ${Object.keys(KERAS_EMITTERS).join(', ')}, and layers read from ONNX files.`,
    )
  }
  return emitter(b, layer, inputs, layer.getConfig() as Config)
}
