import * as tf from '@tensorflow/tfjs-core'
import { basisFactors, type BasisFactors } from './matrix-cache'
import { maskWeight, resolveMask, type MaskOptions } from './mask-options'
import { leadingColumns, realFourierBasis } from './real-basis'
import { mapChunks } from './chunks'

/** A mask M expressed in the real Fourier basis: x_l = Rh[:, :kh] (W .* (Rh[:, :kh]^T x Rw[:, :kw])) Rw[:, :kw]^T. */
export interface FilterPlan {
  h: number
  w: number
  /** Leading basis columns kept along each axis. */
  kh: number
  kw: number
  /** [kw, kh] weights of the coefficient pairs (column frequency first, to match the product order). */
  weights: Float32Array
  /** Every weight is 1: the mask is the separable block itself (square masks, or r beyond the half-diagonal). */
  separable: boolean
}

export function filterPlan(h: number, w: number, r: number, options?: MaskOptions): FilterPlan {
  const mask = resolveMask(r, options)
  const rows = realFourierBasis(h)
  const cols = realFourierBasis(w)
  // A column is needed when its frequency survives at zero frequency on the other axis: masks fall off monotonically.
  const kh = leadingColumns(rows, (f) => maskWeight(f, 0, mask) > 0)
  const kw = leadingColumns(cols, (f) => maskWeight(0, f, mask) > 0)
  const weights = new Float32Array(kw * kh)
  let separable = true
  for (let j = 0; j < kw; j++) {
    for (let i = 0; i < kh; i++) {
      const v = maskWeight(rows.frequency[i], cols.frequency[j], mask)
      weights[j * kh + i] = v
      if (v !== 1) separable = false
    }
  }
  return { h, w, kh, kw, weights, separable }
}

/** Runs `step` on `t` and frees `t` right away: keeps the wasm heap peak near two chunk copies. */
function then(t: tf.Tensor, step: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  const next = step(t)
  t.dispose()
  return next
}

/** Planes [B, H, W] -> filtered planes [B, H, W]; only plain 2-D products (the fast wasm path). */
function filterPlanes(planes: tf.Tensor3D, plan: FilterPlan, rows: BasisFactors, cols: BasisFactors): tf.Tensor3D {
  const { h, w, kh, kw } = plan
  const b = planes.shape[0]
  return tf.tidy(() => {
    let t: tf.Tensor = tf.matMul(tf.reshape(planes, [b * h, w]), cols.analysis)
    t = then(t, (u) => tf.transpose(tf.reshape(u, [b, h, kw]), [0, 2, 1]))
    t = then(t, (u) => tf.matMul(tf.reshape(u, [b * kw, h]), rows.analysis))
    if (!plan.separable) t = then(t, (u) => tf.mul(tf.reshape(u, [b, kw, kh]), tf.tensor2d(plan.weights, [kw, kh])))
    t = then(t, (u) => tf.matMul(tf.reshape(u, [b * kw, kh]), rows.synthesis))
    t = then(t, (u) => tf.transpose(tf.reshape(u, [b, kw, h]), [0, 2, 1]))
    t = then(t, (u) => tf.matMul(tf.reshape(u, [b * h, kw]), cols.synthesis))
    return tf.reshape(t, [b, h, w])
  })
}

function filterImages(images: tf.Tensor4D, plan: FilterPlan, rows: BasisFactors, cols: BasisFactors): tf.Tensor4D {
  const [n, h, w, c] = images.shape
  return tf.tidy(() => {
    if (c === 1) return tf.reshape(filterPlanes(tf.reshape(images, [n, h, w]), plan, rows, cols), [n, h, w, 1])
    const planes = tf.reshape<tf.Rank.R3>(tf.transpose(images, [0, 3, 1, 2]), [n * c, h, w])
    const filtered = tf.reshape<tf.Rank.R4>(filterPlanes(planes, plan, rows, cols), [n, c, h, w])
    planes.dispose()
    return tf.transpose(filtered, [0, 2, 3, 1])
  })
}

/**
 * Applies the plan to NHWC images, in chunks of images when the batch is large so memory stays
 * bounded. Not differentiable by itself.
 */
export function applyFilter(images: tf.Tensor4D, plan: FilterPlan): tf.Tensor4D {
  const [, h, w] = images.shape
  if (h !== plan.h || w !== plan.w) throw new RangeError(`filter planned for ${plan.h}x${plan.w}, images are ${h}x${w}`)
  if (images.shape[0] === 0 || plan.kh === 0 || plan.kw === 0) return tf.zerosLike(images)
  if (plan.separable && plan.kh === h && plan.kw === w) return tf.clone(images)
  const rows = basisFactors(h, plan.kh)
  const cols = basisFactors(w, plan.kw)
  return mapChunks(images, (chunk) => filterImages(chunk, plan, rows, cols))
}
