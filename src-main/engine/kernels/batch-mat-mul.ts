import * as tf from '@tensorflow/tfjs-core'
import { composeKernels } from './kernel-calls'

/**
 * The wasm BatchMatMul runs a slow generic loop whenever transposeA or transposeB is set (7–36×
 * slower on the dense backprop), while a transpose copy plus a plain product takes the fast path.
 * This wraps the stock kernel so that it only ever sees plain products.
 */
export function explicitTransposeMatMul(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (params) => {
    const { transposeA, transposeB } = params.attrs as unknown as tf.BatchMatMulAttrs
    if (!transposeA && !transposeB) return stock.kernelFunc(params)
    const backend = params.backend as tf.KernelBackend
    return composeKernels(backend, 'wasm', (calls) => {
      const swapLastTwo = (t: tf.TensorInfo): tf.TensorInfo => {
        const outer = t.shape.slice(0, -2)
        const [rows, cols] = t.shape.slice(-2)
        const batch = outer.reduce((p, d) => p * d, 1)
        const swapped = calls.transpose(calls.reshape(t, [batch, rows, cols]), [0, 2, 1])
        return calls.reshape(swapped, [...outer, cols, rows])
      }
      const a = transposeA ? swapLastTwo(params.inputs.a as tf.TensorInfo) : (params.inputs.a as tf.TensorInfo)
      const b = transposeB ? swapLastTwo(params.inputs.b as tf.TensorInfo) : (params.inputs.b as tf.TensorInfo)
      const out = stock.kernelFunc({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } })
      if (Array.isArray(out)) throw new Error('BatchMatMul returned several outputs.')
      return out
    })
  }
  return { ...stock, kernelFunc }
}
