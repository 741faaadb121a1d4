import * as tf from '@tensorflow/tfjs-core'
import { composeKernels, type KernelCalls } from './kernel-calls'

const size = (shape: number[]): number => shape.reduce((p, d) => p * d, 1)

/** The same data with its last two axes swapped (a transpose copy). */
function swapLastTwo(calls: KernelCalls, t: tf.TensorInfo): tf.TensorInfo {
  const outer = t.shape.slice(0, -2)
  const [rows, cols] = t.shape.slice(-2)
  const swapped = calls.transpose(calls.reshape(t, [size(outer), rows, cols]), [0, 2, 1])
  return calls.reshape(swapped, [...outer, cols, rows])
}

/**
 * The wasm BatchMatMul runs a slow generic loop whenever transposeA or transposeB is set (7–36×
 * slower on the dense backprop), while a transpose copy plus a plain product takes the fast
 * XNNPACK path. This wraps the stock kernel so that it only ever sees plain products, computing
 * op(a)·op(b) either directly or as (op(b)ᵀ·op(a)ᵀ)ᵀ, whichever copies fewer elements (the
 * transposes plus the right operand, which XNNPACK repacks on every call).
 */
export function explicitTransposeMatMul(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (params) => {
    const { transposeA, transposeB } = params.attrs as unknown as tf.BatchMatMulAttrs
    if (!transposeA && !transposeB) return stock.kernelFunc(params)
    const a = params.inputs.a as tf.TensorInfo
    const b = params.inputs.b as tf.TensorInfo
    const backend = params.backend as tf.KernelBackend
    const plain = (calls: KernelCalls, left: tf.TensorInfo, right: tf.TensorInfo): tf.TensorInfo => {
      const out = stock.kernelFunc({ inputs: { a: left, b: right }, backend, attrs: { transposeA: false, transposeB: false } })
      if (Array.isArray(out)) throw new Error('BatchMatMul returned several outputs.')
      calls.adopt(out)
      return out
    }
    const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2))
    const rows = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2]
    const cols = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1]
    const direct = (transposeA ? size(a.shape) : 0) + (transposeB ? size(b.shape) : 0) + size(b.shape)
    const swapped = (transposeB ? 0 : size(b.shape)) + (transposeA ? 0 : size(a.shape)) + size(outer) * rows * cols + size(a.shape)
    return composeKernels(backend, 'wasm', (calls) => {
      if (direct <= swapped) return plain(calls, transposeA ? swapLastTwo(calls, a) : a, transposeB ? swapLastTwo(calls, b) : b)
      const product = plain(calls, transposeB ? b : swapLastTwo(calls, b), transposeA ? a : swapLastTwo(calls, a))
      return swapLastTwo(calls, product)
    })
  }
  return { ...stock, kernelFunc }
}
