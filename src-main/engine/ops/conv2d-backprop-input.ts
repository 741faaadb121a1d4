import * as tf from '@tensorflow/tfjs-core'
import { composeKernels } from './kernel-calls'
import { conv2d, cropForConv, forwardConvInfo, type BackpropConvAttrs } from './conv-geometry'

interface Attrs extends BackpropConvAttrs {
  inputShape: [number, number, number, number]
}

/**
 * dx of a convolution as a forward convolution, which XNNPACK runs fast; the stock wasm kernel
 * is a naive loop. dx = conv(spread(dy), reverse(w)ᵀ) where spread(dy) puts stride−1 zeros
 * between the rows and columns of dy, padded by k−1−pad_top (left likewise).
 */
function conv2dBackpropInput(params: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const dy = params.inputs.dy as tf.TensorInfo
  const filter = params.inputs.filter as tf.TensorInfo
  const attrs = params.attrs as unknown as Attrs
  const info = forwardConvInfo(tf.Conv2DBackpropInput, attrs.inputShape, filter.shape as [number, number, number, number], attrs)
  const { batchSize, inHeight, inWidth, outHeight, outWidth, outChannels, strideHeight: sh, strideWidth: sw } = info
  const { filterHeight: kh, filterWidth: kw, padInfo } = info
  return composeKernels(params.backend as tf.KernelBackend, 'wasm', (calls) => {
    let spread = dy
    if (sh > 1 || sw > 1) {
      const split = calls.reshape(dy, [batchSize, outHeight, 1, outWidth, 1, outChannels])
      const zeros = calls.run(
        tf.PadV2,
        { x: split },
        {
          paddings: [
            [0, 0],
            [0, 0],
            [0, sh - 1],
            [0, 0],
            [0, sw - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      )
      spread = calls.reshape(zeros, [batchSize, outHeight * sh, outWidth * sw, outChannels])
    }
    const top = kh - 1 - padInfo.top
    const left = kw - 1 - padInfo.left
    const bottom = inHeight + kh - 1 - top - outHeight * sh
    const right = inWidth + kw - 1 - left - outWidth * sw
    const { x, pad } = cropForConv(calls, spread, top, bottom, left, right)
    const flipped = calls.run(tf.Reverse, { x: filter }, { dims: [0, 1] })
    const swapped = calls.transpose(flipped, [0, 1, 3, 2])
    if (info.inChannels === 1) {
      // A one-channel dx (a grayscale first layer) is a conv with a single output channel, which
      // XNNPACK runs slowly; a depthwise conv plus a channel sum is ~30% faster there.
      const perChannel = calls.run(
        tf.DepthwiseConv2dNative,
        { x, filter: swapped },
        { strides: [1, 1], pad, dilations: [1, 1], dimRoundingMode: 'floor' },
      )
      return calls.run(tf.Sum, { x: perChannel }, { axis: [3], keepDims: true })
    }
    return conv2d(calls, x, swapped, pad, [1, 1])
  })
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput,
}
