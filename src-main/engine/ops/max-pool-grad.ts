import * as tf from '@tensorflow/tfjs-core'

/** The part of the wasm backend a JS kernel needs: its heap-backed outputs and views. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array
}

/**
 * The common 2x2, stride-2 pooling with every window inside the image: each input pixel lies in
 * at most one window, so dx is written once per pixel (dy at the window's first maximum, 0
 * elsewhere) with no accumulation, and zero-filled first only if a last row or column is left out.
 */
function maxPoolGrad2x2(x: Float32Array, g: Float32Array, dx: Float32Array, shape: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: oh, outWidth: ow } = shape
  if (2 * oh !== H || 2 * ow !== W) dx.fill(0)
  const row = W * C
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const p = ((b * H + 2 * oy) * W + 2 * ox) * C
        const q = ((b * oh + oy) * ow + ox) * C
        for (let c = 0; c < C; c++) {
          const i0 = p + c
          const i1 = i0 + C
          const i2 = i0 + row
          const i3 = i2 + C
          // Unrolled, first maximum wins; a NaN or −∞ window sends nothing, as on the cpu backend.
          let best = -Infinity
          let at = -1
          if (x[i0] > best) {
            best = x[i0]
            at = i0
          }
          if (x[i1] > best) {
            best = x[i1]
            at = i1
          }
          if (x[i2] > best) {
            best = x[i2]
            at = i2
          }
          if (x[i3] > best) at = i3
          const v = g[q + c]
          dx[i0] = at === i0 ? v : 0
          dx[i1] = at === i1 ? v : 0
          dx[i2] = at === i2 ? v : 0
          dx[i3] = at === i3 ? v : 0
        }
      }
    }
  }
}

/**
 * MaxPool's input gradient as one JS pass over the wasm heap: each pooling window sends its dy to
 * the first maximum of the window (row-major, as TF and the cpu backend do), summing where windows
 * overlap. The stock wasm kernel takes ~4× the time of the forward conv layer next to it.
 */
function maxPoolGrad(params: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const dy = params.inputs.dy as tf.TensorInfo
  const input = params.inputs.input as tf.TensorInfo
  const attrs = params.attrs as unknown as tf.MaxPoolGradAttrs
  const backend = params.backend as HeapBackend
  if (input.dtype !== 'float32') throw new Error(`MaxPoolGrad on wasm supports float32 only, got ${input.dtype}.`)
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  )
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight, outWidth, strideHeight, strideWidth } = info
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw, padInfo } = info
  const out = backend.makeOutput(input.shape, 'float32')
  // Views are taken after makeOutput: a heap growth there would detach earlier ones.
  const dx = backend.typedArrayFromHeap(out) as Float32Array
  const x = backend.typedArrayFromHeap(input) as Float32Array
  const g = backend.typedArrayFromHeap(dy) as Float32Array
  if (
    fh === 2 &&
    fw === 2 &&
    strideHeight === 2 &&
    strideWidth === 2 &&
    padInfo.top === 0 &&
    padInfo.left === 0 &&
    2 * outHeight <= H &&
    2 * outWidth <= W
  ) {
    maxPoolGrad2x2(x, g, dx, info)
    return out
  }
  dx.fill(0)
  const best = new Float32Array(C)
  const at = new Int32Array(C)
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const top = oy * strideHeight - padInfo.top
      const y0 = Math.max(0, top)
      const y1 = Math.min(H, top + fh)
      for (let ox = 0; ox < outWidth; ox++) {
        const left = ox * strideWidth - padInfo.left
        const x0 = Math.max(0, left)
        const x1 = Math.min(W, left + fw)
        best.fill(-Infinity)
        at.fill(-1)
        for (let y = y0; y < y1; y++) {
          for (let xx = x0; xx < x1; xx++) {
            const base = ((b * H + y) * W + xx) * C
            for (let c = 0; c < C; c++) {
              const v = x[base + c]
              if (v > best[c]) {
                best[c] = v
                at[c] = base + c
              }
            }
          }
        }
        const gBase = ((b * outHeight + oy) * outWidth + ox) * C
        for (let c = 0; c < C; c++) if (at[c] >= 0) dx[at[c]] += g[gBase + c]
      }
    }
  }
  return out
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
}
