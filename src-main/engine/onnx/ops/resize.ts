import * as tf from '@tensorflow/tfjs-core'
import { constTensor } from '../const-tensor'
import type { NodeReader, OpSpec, Params } from '../op-spec'
import { need, num } from './common'

const COORDINATES = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn'] as const
const NEAREST = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'] as const

/** The input coordinate an output index o samples, by ONNX's coordinate_transformation_mode. */
function sourceCoordinate(mode: string, o: number, scale: number, inSize: number, outSize: number): number {
  switch (mode) {
    case 'pytorch_half_pixel':
      return outSize > 1 ? (o + 0.5) / scale - 0.5 : 0
    case 'align_corners':
      return outSize === 1 ? 0 : (o * (inSize - 1)) / (outSize - 1)
    case 'asymmetric':
      return o / scale
    case 'tf_half_pixel_for_nn':
      return (o + 0.5) / scale
    default:
      return (o + 0.5) / scale - 0.5
  }
}

function nearestIndex(rule: string, x: number): number {
  const frac = x - Math.floor(x)
  if (rule === 'floor') return Math.floor(x)
  if (rule === 'ceil') return Math.ceil(x)
  if (frac === 0.5) return rule === 'round_prefer_ceil' ? Math.ceil(x) : Math.floor(x)
  return Math.round(x)
}

/** The four cubic convolution weights of the taps floor(x) - 1 .. floor(x) + 2 at t = x - floor(x) (Keys, coefficient a). */
function cubicWeights(t: number, a: number): number[] {
  const outer = (d: number) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
  const inner = (d: number) => ((a + 2) * d - (a + 3)) * d * d + 1
  return [outer(t + 1), inner(t), inner(1 - t), outer(2 - t)]
}

/**
 * The [out, in] matrix of a 1-D resize: one-hot rows for 'nearest', two taps for 'linear' (the
 * coordinate clamped to the edge, as PyTorch and onnxruntime do), four for 'cubic' (taps beyond
 * the edge read the edge pixel, or with exclude_outside are dropped and the rest renormalised,
 * as onnxruntime does). A separable resize is then y = A_h · x · A_wᵀ, and its input gradient
 * A_hᵀ · dY · A_w.
 */
export function resizeMatrix(p: Params, axis: 'h' | 'w'): Float32Array {
  const inSize = num(p, `${axis}In`)
  const outSize = num(p, `${axis}Out`)
  const scale = num(p, `${axis}Scale`)
  const m = new Float32Array(outSize * inSize)
  for (let o = 0; o < outSize; o++) {
    const x = sourceCoordinate(p.coordinates as string, o, scale, inSize, outSize)
    if (p.mode === 'nearest') {
      m[o * inSize + Math.min(Math.max(nearestIndex(p.nearest as string, x), 0), inSize - 1)] = 1
      continue
    }
    if (p.mode === 'cubic') {
      const base = Math.floor(x)
      const weights = cubicWeights(x - base, num(p, 'cubicA'))
      const inside = weights.map((_, k) => base - 1 + k >= 0 && base - 1 + k < inSize)
      const kept = p.excludeOutside ? weights.map((w, k) => (inside[k] ? w : 0)) : weights
      const total = p.excludeOutside ? kept.reduce((sum, w) => sum + w, 0) : 1
      kept.forEach((w, k) => (m[o * inSize + Math.min(Math.max(base - 1 + k, 0), inSize - 1)] += w / total))
      continue
    }
    const clamped = Math.min(Math.max(x, 0), inSize - 1)
    const i0 = Math.floor(clamped)
    const i1 = Math.min(i0 + 1, inSize - 1)
    const w = clamped - i0
    m[o * inSize + i0] += 1 - w
    m[o * inSize + i1] += w
  }
  return m
}

function canonicalResize(r: NodeReader): Params {
  const shape = r.shape(0)
  if (shape.length !== 4) throw r.unsupported('resizes data that is not a batch of images')
  const mode = r.string('mode', 'nearest')
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'cubic')
    throw r.unsupported(`uses '${mode}' interpolation (nearest, linear and cubic are supported)`)
  const coordinates = r.opset < 11 ? 'asymmetric' : r.string('coordinate_transformation_mode', 'half_pixel')
  if (!(COORDINATES as readonly string[]).includes(coordinates)) throw r.unsupported(`maps coordinates by '${coordinates}'`)
  const nearest = r.string('nearest_mode', 'round_prefer_floor')
  if (!(NEAREST as readonly string[]).includes(nearest)) throw r.unsupported(`rounds by '${nearest}'`)
  const excludeOutside = r.opset >= 11 && r.int('exclude_outside', 0) !== 0
  if (excludeOutside && mode !== 'cubic') throw r.unsupported('excludes outside pixels, which only cubic interpolation does')
  if (r.opset >= 18 && (r.int('antialias', 0) !== 0 || r.has('axes'))) throw r.unsupported('antialiases or names its axes')
  // Opset 10: (X, scales); 11+: (X, roi, scales, sizes), scales or sizes given.
  const scalesInput = r.opset < 11 ? 1 : 2
  const sizes = r.opset >= 11 ? r.constantNumbers(3) : undefined
  const scalesGiven = r.constantNumbers(scalesInput)
  const scales = scalesGiven && scalesGiven.length > 0 ? scalesGiven : undefined
  if (!scales && !sizes) throw r.unsupported('gives neither scales nor sizes')
  const out = sizes ?? shape.map((d, i) => Math.floor(d * (scales as number[])[i]))
  const used = scales ?? out.map((d, i) => d / shape[i])
  if (out[0] !== shape[0] || out[1] !== shape[1]) throw r.unsupported('resizes the batch or channel axis')
  return {
    mode,
    coordinates,
    nearest,
    cubicA: r.opset >= 11 ? r.float('cubic_coeff_a', -0.75) : -0.75,
    excludeOutside,
    hIn: shape[2],
    wIn: shape[3],
    hOut: out[2],
    wOut: out[3],
    hScale: used[2],
    wScale: used[3],
  }
}

export const RESIZE_OPS: Record<string, OpSpec> = {
  Resize: {
    paramInputs: [1, 2, 3],
    layout: 'plain',
    canonical: canonicalResize,
    run: (inputs, p) => {
      // Two 2-D products (differentiable on every backend, unlike tf.image's resize gradients on wasm).
      const x = need(inputs, 0)
      const [n, c, h, w] = x.shape
      const [oh, ow] = [num(p, 'hOut'), num(p, 'wOut')]
      const awT = tf.transpose(tf.tensor2d(resizeMatrix(p, 'w'), [ow, w]))
      const ahT = tf.transpose(tf.tensor2d(resizeMatrix(p, 'h'), [oh, h]))
      const rows = tf.reshape(tf.matMul(tf.reshape(x, [-1, w]), awT), [n * c, h, ow])
      const cols = tf.matMul(tf.reshape(tf.transpose(rows, [0, 2, 1]), [-1, h]), ahT)
      return [tf.transpose(tf.reshape(cols, [n, c, ow, oh]), [0, 1, 3, 2])]
    },
    // Written as the same two products, so onnxruntime's gradient graph differentiates it as MatMuls.
    emit: (b, inputs, p) => {
      const [h, w, oh, ow] = [num(p, 'hIn'), num(p, 'wIn'), num(p, 'hOut'), num(p, 'wOut')]
      const aw = resizeMatrix(p, 'w')
      const awT = new Float32Array(w * ow)
      for (let o = 0; o < ow; o++) for (let i = 0; i < w; i++) awT[i * ow + o] = aw[o * w + i]
      const rows = b.node('MatMul', [inputs[0], b.constant(constTensor('float', [w, ow], awT))])[0]
      return b.node('MatMul', [b.constant(constTensor('float', [oh, h], resizeMatrix(p, 'h'))), rows])
    },
  },
}
