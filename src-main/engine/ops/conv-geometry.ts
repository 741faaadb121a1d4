import * as tf from '@tensorflow/tfjs-core'
import type { KernelCalls } from './kernel-calls'

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding

export interface BackpropConvAttrs {
  strides: [number, number] | number
  pad: Pad
  dataFormat: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
}

/** The forward convolution's geometry, for a gradient kernel (NHWC, dilation 1 only: TF.js has no dilated conv gradient). */
export function forwardConvInfo(
  kernelName: string,
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: BackpropConvAttrs,
): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat !== 'NHWC') {
    throw new Error(`${kernelName} on wasm supports dataFormat 'NHWC' only, got '${attrs.dataFormat}'.`)
  }
  return tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  )
}

/**
 * Gives x [N,H,W,C] `top/bottom/left/right` extra rows and columns where the value is positive and
 * crops where it is negative. The positive part is returned as explicit conv padding, so the
 * convolution does the zero padding itself and no padded copy is made.
 */
export function cropForConv(
  calls: KernelCalls,
  x: tf.TensorInfo,
  top: number,
  bottom: number,
  left: number,
  right: number,
): { x: tf.TensorInfo; pad: tf.backend_util.ExplicitPadding } {
  const [n, h, w, c] = x.shape
  const cropTop = Math.max(0, -top)
  const cropBottom = Math.max(0, -bottom)
  const cropLeft = Math.max(0, -left)
  const cropRight = Math.max(0, -right)
  const cropped =
    cropTop + cropBottom + cropLeft + cropRight === 0
      ? x
      : calls.run(
          tf.Slice,
          { x },
          {
            begin: [0, cropTop, cropLeft, 0],
            size: [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c],
          },
        )
  const pad: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ]
  return { x: cropped, pad }
}

export function conv2d(
  calls: KernelCalls,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  pad: tf.backend_util.ExplicitPadding,
  dilations: [number, number],
): tf.TensorInfo {
  return calls.run(tf.Conv2D, { x, filter }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations, dimRoundingMode: 'floor' })
}
