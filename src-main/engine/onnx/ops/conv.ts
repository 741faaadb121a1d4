import * as tf from '@tensorflow/tfjs-core'
import type { NodeReader, OpSpec, Params } from '../op-spec'
import { dropEmptyTail, need, nums, num } from './common'

/** Explicit [top, left, bottom, right] pads for an auto_pad mode (ONNX Conv/Pool semantics). */
export function autoPads(
  mode: string,
  pads: number[],
  input: number[],
  kernel: number[],
  strides: number[],
  dilations: number[],
): number[] {
  if (mode === 'NOTSET') return pads
  if (mode === 'VALID') return [0, 0, 0, 0]
  const begin: number[] = []
  const end: number[] = []
  for (let i = 0; i < 2; i++) {
    const out = Math.ceil(input[i] / strides[i])
    const total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - input[i])
    const small = Math.floor(total / 2)
    begin.push(mode === 'SAME_LOWER' ? total - small : small)
    end.push(mode === 'SAME_LOWER' ? small : total - small)
  }
  return [...begin, ...end]
}

/** Kernel size, strides, dilations and 2-D pads shared by Conv, ConvTranspose and the pools. */
export function windowParams(
  r: NodeReader,
  kernelFallback?: number[],
): { kernel: number[]; strides: number[]; dilations: number[]; pads: number[]; autoPad: string } {
  const x = r.shape(0)
  if (x.length !== 4) throw r.unsupported(`works on ${x.length - 2}-D data (HFC Lab runs 2-D images only)`)
  const kernel = r.ints('kernel_shape', kernelFallback ?? [])
  if (kernel.length !== 2) throw r.unsupported('has no 2-D kernel_shape')
  const strides = r.ints('strides', [1, 1])
  const dilations = r.ints('dilations', [1, 1])
  const autoPad = r.string('auto_pad', 'NOTSET')
  const pads = r.ints('pads', [0, 0, 0, 0])
  if (pads.length !== 4 || strides.length !== 2 || dilations.length !== 2)
    throw r.unsupported('has pads, strides or dilations that are not 2-D')
  return { kernel, strides, dilations, pads, autoPad }
}

/** A [kh, kw, I, O] kernel with (d-1) zeros between taps, so a dilated conv can use any stride. */
export function dilateKernel(k: tf.Tensor4D, dilations: number[]): tf.Tensor4D {
  const [dh, dw] = dilations
  if (dh === 1 && dw === 1) return k
  const [kh, kw, i, o] = k.shape
  const spread = tf.pad(tf.reshape(k, [kh, 1, kw, 1, i, o]), [
    [0, 0],
    [0, dh - 1],
    [0, 0],
    [0, dw - 1],
    [0, 0],
    [0, 0],
  ])
  return tf.slice(tf.reshape(spread, [kh * dh, kw * dw, i, o]), [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, i, o]) as tf.Tensor4D
}

function groupedConv(x: tf.Tensor4D, k: tf.Tensor4D, group: number, strides: [number, number]): tf.Tensor4D {
  const xs = tf.split(x, group, 3)
  const ks = tf.split(k, group, 3)
  return tf.concat(
    xs.map((xi, i) => tf.conv2d(xi as tf.Tensor4D, ks[i] as tf.Tensor4D, strides, 'valid')),
    3,
  )
}

/** dW of one valid convolution, through the Conv2DBackpropFilter kernel (fast on wasm with HFC Lab's kernels). */
function filterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number],
): tf.Tensor4D {
  return tf
    .engine()
    .runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides, pad: 'valid', dataFormat: 'NHWC', filterShape } as never) as tf.Tensor4D
}

/**
 * Depthwise convolution (dilation already spelled out in the kernel): tf.depthwiseConv2d forward,
 * and a gradient built from per-channel transposed convolutions, because tfjs-backend-wasm has no
 * depthwise backprop kernels.
 */
function depthwiseConv(x: tf.Tensor4D, k: tf.Tensor4D, strides: [number, number]): tf.Tensor4D {
  const group = x.shape[3]
  const f = tf.customGrad(((xi: tf.Tensor, ki: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xi, ki])
    const [kh, kw, , o] = ki.shape
    const value = tf.depthwiseConv2d(xi as tf.Tensor4D, tf.reshape(ki, [kh, kw, group, o / group]) as tf.Tensor4D, strides, 'valid')
    return {
      value,
      gradFunc: (dy: tf.Tensor, [input, kernel]: tf.Tensor[]) => {
        const xs = tf.split(input, group, 3) as tf.Tensor4D[]
        const ks = tf.split(kernel, group, 3) as tf.Tensor4D[]
        const dys = tf.split(dy, group, 3) as tf.Tensor4D[]
        const [n, h, w] = input.shape
        const dx = tf.concat(
          dys.map((d, i) => tf.conv2dTranspose(d, ks[i], [n, h, w, 1], strides, 'valid')),
          3,
        )
        const dk = tf.concat(
          dys.map((d, i) => filterGrad(xs[i], d, ks[i].shape, strides)),
          3,
        )
        return [dx, dk]
      },
    }
  }) as never) as (...args: tf.Tensor[]) => tf.Tensor4D
  return f(x, k)
}

/** [N, M, H', W'] of an ONNX Conv of an [N, C, H, W] input with [M, C/group, kh, kw] weights. */
function convOutputShape(x: number[], w: number[], p: Params): number[] {
  const [pt, pl, pb, pr] = nums(p, 'pads')
  const [sh, sw] = nums(p, 'strides')
  const [dh, dw] = nums(p, 'dilations')
  const extent = (size: number, before: number, after: number, k: number, d: number, s: number) =>
    Math.floor((size + before + after - ((k - 1) * d + 1)) / s) + 1
  const shape = [x[0], w[0], extent(x[2], pt, pb, w[2], dh, sh), extent(x[3], pl, pr, w[3], dw, sw)]
  if (shape[2] < 1 || shape[3] < 1) throw new Error(`a ${w[2]}x${w[3]} kernel does not fit a ${x[2]}x${x[3]} input`)
  return shape
}

/** ONNX Conv on an NHWC input with OIHW weights (explicit pads, groups, dilations). */
export function convNhwc(x: tf.Tensor4D, w: tf.Tensor, bias: tf.Tensor | undefined, p: Params): tf.Tensor4D {
  const [pt, pl, pb, pr] = nums(p, 'pads')
  const strides = nums(p, 'strides') as [number, number]
  const dilations = nums(p, 'dilations') as [number, number]
  const group = num(p, 'group')
  const padded =
    pt || pl || pb || pr
      ? tf.pad(x, [
          [0, 0],
          [pt, pb],
          [pl, pr],
          [0, 0],
        ])
      : x
  // Dilation is spelled out in the kernel: tf.conv2d has no gradient for dilation rates > 1.
  const kernel = dilateKernel(tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D, dilations)
  let y: tf.Tensor4D
  if (group === 1) y = tf.conv2d(padded, kernel, strides, 'valid')
  else if (kernel.shape[2] === 1 && group === x.shape[3]) y = depthwiseConv(padded, kernel, strides)
  else y = groupedConv(padded, kernel, group, strides)
  return bias ? tf.add(y, bias) : y
}

/** ONNX ConvTranspose on an NHWC input with [C_in, C_out/group, kh, kw] weights. */
function convTransposeNhwc(x: tf.Tensor4D, w: tf.Tensor, bias: tf.Tensor | undefined, p: Params): tf.Tensor4D {
  const [pt, pl, pb, pr] = nums(p, 'pads')
  const [sh, sw] = nums(p, 'strides')
  const [oph, opw] = nums(p, 'outputPadding')
  const group = num(p, 'group')
  const kernel = dilateKernel(tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D, nums(p, 'dilations'))
  const [kh, kw, outPerGroup] = kernel.shape
  const [n, h, wd] = x.shape
  const fullH = (h - 1) * sh + kh
  const fullW = (wd - 1) * sw + kw
  const xs = group === 1 ? [x] : tf.split(x, group, 3)
  const ks = group === 1 ? [kernel] : tf.split(kernel, group, 3)
  const parts = xs.map((xi, i) =>
    tf.conv2dTranspose(xi as tf.Tensor4D, ks[i] as tf.Tensor4D, [n, fullH, fullW, outPerGroup], [sh, sw], 'valid'),
  )
  const full = parts.length === 1 ? parts[0] : tf.concat(parts, 3)
  const outH = fullH - pt - pb + oph
  const outW = fullW - pl - pr + opw
  const keptH = Math.min(outH, fullH - pt)
  const keptW = Math.min(outW, fullW - pl)
  let y = tf.slice(full, [0, pt, pl, 0], [n, keptH, keptW, full.shape[3]])
  if (keptH < outH || keptW < outW)
    y = tf.pad(y, [
      [0, 0],
      [0, outH - keptH],
      [0, outW - keptW],
      [0, 0],
    ])
  return bias ? tf.add(y, bias) : y
}

export const CONV_OPS: Record<string, OpSpec> = {
  Conv: {
    layout: 'spatial',
    canonical: (r) => {
      const w = r.shape(1)
      const { kernel, strides, dilations, pads, autoPad } = windowParams(r, w.slice(2))
      const group = r.int('group', 1)
      if (w.length !== 4 || w[1] * group !== r.shape(0)[1])
        throw r.unsupported(`has weights of shape [${w}] that do not match its input's ${r.shape(0)[1]} channels`)
      return { kernel, strides, dilations, group, pads: autoPads(autoPad, pads, r.shape(0).slice(2), kernel, strides, dilations) }
    },
    run: (inputs, p) => [convNhwc(need(inputs, 0) as tf.Tensor4D, need(inputs, 1), inputs[2], p)],
    outputShapes: ([x, w], p) => [convOutputShape(x as number[], w as number[], p)],
    emit: (b, inputs, p) =>
      b.node('Conv', dropEmptyTail(inputs), {
        kernel_shape: nums(p, 'kernel'),
        strides: nums(p, 'strides'),
        dilations: nums(p, 'dilations'),
        group: num(p, 'group'),
        pads: nums(p, 'pads'),
      }),
  },
  ConvTranspose: {
    layout: 'spatial',
    canonical: (r) => {
      const w = r.shape(1)
      const { kernel, strides, dilations, pads, autoPad } = windowParams(r, w.slice(2))
      const group = r.int('group', 1)
      const outputPadding = r.ints('output_padding', [0, 0])
      const outputShape = r.ints('output_shape', undefined)
      const input = r.shape(0).slice(2)
      let explicit = pads
      if (outputShape || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
        const target = outputShape ? outputShape.slice(-2) : input.map((v, i) => v * strides[i])
        const total = [0, 1].map((i) => strides[i] * (input[i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1 - target[i])
        const half = total.map((t) => Math.floor(t / 2))
        explicit =
          autoPad === 'SAME_UPPER' ? [...half, ...total.map((t, i) => t - half[i])] : [...total.map((t, i) => t - half[i]), ...half]
      } else if (autoPad === 'VALID') {
        explicit = [0, 0, 0, 0]
      }
      if (explicit.some((v) => v < 0)) throw r.unsupported('has an output_shape larger than its kernel can produce')
      return { kernel, strides, dilations, group, pads: explicit, outputPadding }
    },
    run: (inputs, p) => [convTransposeNhwc(need(inputs, 0) as tf.Tensor4D, need(inputs, 1), inputs[2], p)],
    emit: (b, inputs, p) =>
      b.node('ConvTranspose', dropEmptyTail(inputs), {
        kernel_shape: nums(p, 'kernel'),
        strides: nums(p, 'strides'),
        dilations: nums(p, 'dilations'),
        group: num(p, 'group'),
        pads: nums(p, 'pads'),
        output_padding: nums(p, 'outputPadding'),
      }),
  },
}
