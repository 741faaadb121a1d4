import * as tf from '@tensorflow/tfjs-core'
import type { NodeReader, OpSpec, Params } from '../op-spec'
import { need, num, nums } from './common'
import { autoPads, windowParams } from './conv'

const LOWEST = -3.4028234663852886e38

/**
 * Pool window parameters; `extra` is the padding ceil_mode adds at the end of each axis (a window
 * must still start inside the input or its begin padding, as in PyTorch and onnxruntime).
 */
function poolParams(r: NodeReader): Params {
  const { kernel, strides, dilations, pads, autoPad } = windowParams(r)
  if (dilations.some((d) => d !== 1)) throw r.unsupported('uses dilated pooling')
  const ceilMode = r.int('ceil_mode', 0)
  const explicit = autoPads(autoPad, pads, r.shape(0).slice(2), kernel, strides, dilations)
  const input = r.shape(0).slice(2)
  const extra = [0, 1].map((i) => {
    const span = input[i] + explicit[i] + explicit[i + 2] - kernel[i]
    if (span < 0) throw r.unsupported(`has a ${kernel[i]}-wide window on a ${input[i]}-wide input`)
    let out = (ceilMode ? Math.ceil(span / strides[i]) : Math.floor(span / strides[i])) + 1
    if (ceilMode && (out - 1) * strides[i] >= input[i] + explicit[i]) out--
    return Math.max(0, (out - 1) * strides[i] + kernel[i] - (input[i] + explicit[i] + explicit[i + 2]))
  })
  return { kernel, strides, pads: explicit, extra, ceilMode }
}

/** The window tap (di, dj) of every output position: x[:, di + i·sh, dj + j·sw, :]. */
function tap(x: tf.Tensor4D, di: number, dj: number, [sh, sw]: number[], [oh, ow]: number[]): tf.Tensor4D {
  return tf.stridedSlice(
    x,
    [0, di, dj, 0],
    [x.shape[0], di + (oh - 1) * sh + 1, dj + (ow - 1) * sw + 1, x.shape[3]],
    [1, sh, sw, 1],
  ) as tf.Tensor4D
}

/** The adjoint of tap(): v placed back at (di, dj) + (i·sh, j·sw) in a zero tensor of `shape`. */
function untap(v: tf.Tensor4D, di: number, dj: number, [sh, sw]: number[], shape: readonly number[]): tf.Tensor4D {
  const [n, oh, ow, c] = v.shape
  const spread = tf.reshape(
    tf.pad(tf.reshape(v, [n, oh, 1, ow, 1, c]), [
      [0, 0],
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ]),
    [n, oh * sh, ow * sw, c],
  )
  const h = Math.min(oh * sh, shape[1] - di)
  const w = Math.min(ow * sw, shape[2] - dj)
  return tf.pad(tf.slice(spread, [0, 0, 0, 0], [n, h, w, c]), [
    [0, 0],
    [di, shape[1] - di - h],
    [dj, shape[2] - dj - w],
    [0, 0],
  ]) as tf.Tensor4D
}

/**
 * Valid max pooling whose gradient goes to the first maximum of each window (row-major), as in
 * PyTorch and onnxruntime. tfjs-backend-wasm's MaxPoolGrad loses the gradient of windows whose
 * maximum is <= 0, so the gradient is written here from slices instead.
 */
function maxPoolValid(x: tf.Tensor4D, kernel: number[], strides: number[]): tf.Tensor4D {
  const f = tf.customGrad(((xi: tf.Tensor, save: tf.GradSaveFunc) => {
    const value = tf.maxPool(xi as tf.Tensor4D, kernel as [number, number], strides as [number, number], 'valid')
    save([xi, value])
    return {
      value,
      gradFunc: (dy: tf.Tensor, [input, y]: tf.Tensor[]) => {
        const out = [y.shape[1] as number, y.shape[2] as number]
        let taken = tf.cast(tf.zerosLike(y), 'bool')
        let dx = tf.zerosLike(input)
        for (let di = 0; di < kernel[0]; di++) {
          for (let dj = 0; dj < kernel[1]; dj++) {
            const hit = tf.logicalAnd(tf.equal(tap(input as tf.Tensor4D, di, dj, strides, out), y), tf.logicalNot(taken))
            taken = tf.logicalOr(taken, hit)
            dx = tf.add(dx, untap(tf.where(hit, dy, tf.zerosLike(dy)) as tf.Tensor4D, di, dj, strides, input.shape))
          }
        }
        return dx
      },
    }
  }) as never) as (...args: tf.Tensor[]) => tf.Tensor4D
  return f(x)
}

function maxPool(x: tf.Tensor4D, p: Params): tf.Tensor4D {
  const [pt, pl, pb, pr] = nums(p, 'pads')
  const [eh, ew] = nums(p, 'extra')
  const padded =
    pt || pl || pb || pr || eh || ew
      ? tf.pad(
          x,
          [
            [0, 0],
            [pt, pb + eh],
            [pl, pr + ew],
            [0, 0],
          ],
          LOWEST,
        )
      : x
  return maxPoolValid(padded, nums(p, 'kernel'), nums(p, 'strides'))
}

/**
 * How many elements each AveragePool output averages over ([outH, outW] row-major): the window
 * inside the input, plus its explicit padding when count_include_pad (never the ceil_mode extra).
 */
export function averagePoolCounts(input: [number, number], p: Params, outH: number, outW: number): Float32Array {
  const includePad = num(p, 'countIncludePad') === 1
  const [kh, kw] = nums(p, 'kernel')
  const [sh, sw] = nums(p, 'strides')
  const [pt, pl, pb, pr] = nums(p, 'pads')
  const [lowH, highH] = includePad ? [-pt, input[0] + pb] : [0, input[0]]
  const [lowW, highW] = includePad ? [-pl, input[1] + pr] : [0, input[1]]
  const counts = new Float32Array(outH * outW)
  for (let i = 0; i < outH; i++) {
    const top = i * sh - pt
    const rows = Math.min(top + kh, highH) - Math.max(top, lowH)
    for (let j = 0; j < outW; j++) {
      const left = j * sw - pl
      counts[i * outW + j] = rows * (Math.min(left + kw, highW) - Math.max(left, lowW))
    }
  }
  return counts
}

function averagePool(x: tf.Tensor4D, p: Params): tf.Tensor4D {
  const [pt, pl, pb, pr] = nums(p, 'pads')
  const [eh, ew] = nums(p, 'extra')
  const kernel = nums(p, 'kernel') as [number, number]
  const padded =
    pt || pl || pb || pr || eh || ew
      ? tf.pad(x, [
          [0, 0],
          [pt, pb + eh],
          [pl, pr + ew],
          [0, 0],
        ])
      : x
  const mean = tf.avgPool(padded, kernel, nums(p, 'strides') as [number, number], 'valid')
  if (padded === x) return mean
  const counts = tf.tensor4d(averagePoolCounts([x.shape[1], x.shape[2]], p, mean.shape[1], mean.shape[2]), [
    1,
    mean.shape[1],
    mean.shape[2],
    1,
  ])
  return tf.div(tf.mul(mean, kernel[0] * kernel[1]), counts)
}

function noIndices(r: NodeReader): void {
  if (r.node.outputs.length > 1 && r.node.outputs[1] !== '') throw r.unsupported('returns pooling indices')
}

export const POOL_OPS: Record<string, OpSpec> = {
  MaxPool: {
    layout: 'spatial',
    canonical: (r) => {
      noIndices(r)
      return poolParams(r)
    },
    run: (inputs, p) => [maxPool(need(inputs, 0) as tf.Tensor4D, p)],
    emit: (b, inputs, p) =>
      b.node('MaxPool', [inputs[0]], {
        kernel_shape: nums(p, 'kernel'),
        strides: nums(p, 'strides'),
        pads: nums(p, 'pads'),
        ceil_mode: num(p, 'ceilMode'),
      }),
  },
  AveragePool: {
    layout: 'spatial',
    canonical: (r) => ({ ...poolParams(r), countIncludePad: r.int('count_include_pad', 0) }),
    run: (inputs, p) => [averagePool(need(inputs, 0) as tf.Tensor4D, p)],
    emit: (b, inputs, p) =>
      b.node('AveragePool', [inputs[0]], {
        kernel_shape: nums(p, 'kernel'),
        strides: nums(p, 'strides'),
        pads: nums(p, 'pads'),
        ceil_mode: num(p, 'ceilMode'),
        count_include_pad: num(p, 'countIncludePad'),
      }),
  },
  GlobalAveragePool: {
    layout: 'spatial',
    canonical: (r) => {
      if (r.shape(0).length !== 4) throw r.unsupported('pools data that is not 2-D')
      return {}
    },
    run: (inputs) => [tf.mean(need(inputs, 0), [1, 2], true)],
    emit: (b, inputs) => b.node('GlobalAveragePool', [inputs[0]]),
  },
  GlobalMaxPool: {
    layout: 'spatial',
    canonical: (r) => {
      if (r.shape(0).length !== 4) throw r.unsupported('pools data that is not 2-D')
      return {}
    },
    run: (inputs) => [tf.max(need(inputs, 0), [1, 2], true)],
    emit: (b, inputs) => b.node('GlobalMaxPool', [inputs[0]]),
  },
}
