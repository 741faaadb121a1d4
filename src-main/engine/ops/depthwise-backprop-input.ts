import * as tf from '@tensorflow/tfjs-core'

/** The part of the wasm backend a JS op needs: its heap-backed outputs and views. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array
}

/**
 * DepthwiseConv2D's input gradient, which tfjs-backend-wasm does not have (without it TF.js cannot
 * differentiate MobileNet-style models on wasm): one JS pass over the wasm heap that sends each
 * dy[b, oy, ox, c·m + q] back through filter[fy, fx, c, q] to the input pixel that tap read, as the
 * cpu backend's kernel does, with strides, dilations and padding from the same Conv2DInfo.
 */
function depthwiseBackpropInput(params: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const dy = params.inputs.dy as tf.TensorInfo
  const filter = params.inputs.filter as tf.TensorInfo
  const attrs = params.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs
  const backend = params.backend as HeapBackend
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32')
    throw new Error('DepthwiseConv2dNativeBackpropInput on wasm supports float32 only.')
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  )
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight, outWidth, outChannels, strideHeight, strideWidth } = info
  const { filterHeight: fh, filterWidth: fw, dilationHeight, dilationWidth, padInfo } = info
  const m = outChannels / C
  const out = backend.makeOutput(attrs.inputShape, 'float32')
  // Views are taken after makeOutput: a heap growth there would detach earlier ones.
  const dx = backend.typedArrayFromHeap(out) as Float32Array
  const g = backend.typedArrayFromHeap(dy) as Float32Array
  const w = backend.typedArrayFromHeap(filter) as Float32Array
  dx.fill(0)
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let fy = 0; fy < fh; fy++) {
        const y = oy * strideHeight - padInfo.top + fy * dilationHeight
        if (y < 0 || y >= H) continue
        for (let ox = 0; ox < outWidth; ox++) {
          const gBase = ((b * outHeight + oy) * outWidth + ox) * outChannels
          for (let fx = 0; fx < fw; fx++) {
            const x = ox * strideWidth - padInfo.left + fx * dilationWidth
            if (x < 0 || x >= W) continue
            const dxBase = ((b * H + y) * W + x) * C
            const wBase = (fy * fw + fx) * outChannels
            for (let c = 0; c < C; c++) {
              let sum = 0
              for (let q = 0; q < m; q++) sum += g[gBase + c * m + q] * w[wBase + c * m + q]
              dx[dxBase + c] += sum
            }
          }
        }
      }
    }
  }
  return out
}

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput,
}
