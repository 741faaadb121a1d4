import * as tf from '@tensorflow/tfjs-core'
import { composeKernels } from './kernel-calls'
import { conv2d, cropForConv, forwardConvInfo, type BackpropConvAttrs } from './conv-geometry'

interface Attrs extends BackpropConvAttrs {
  filterShape: [number, number, number, number]
}

/**
 * dw of a convolution as a forward convolution (the wasm backend has no such kernel at all):
 * dw[a,b,ci,co] = Σ_{n,i,j} x[n, i·s+a−pad, j·s+b−pad, ci]·dy[n,i,j,co], i.e. a convolution of
 * x with channels and batch swapped ([Cin,H,W,N]) by dy as filter ([oh,ow,N,Cout]) dilated by the
 * stride, giving [Cin,kh,kw,Cout].
 */
function conv2dBackpropFilter(params: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const x = params.inputs.x as tf.TensorInfo
  const dy = params.inputs.dy as tf.TensorInfo
  const attrs = params.attrs as unknown as Attrs
  const info = forwardConvInfo(tf.Conv2DBackpropFilter, x.shape as [number, number, number, number], attrs.filterShape, attrs)
  const { inHeight, inWidth, outHeight, outWidth, strideHeight: sh, strideWidth: sw } = info
  const { filterHeight: kh, filterWidth: kw, padInfo } = info
  return composeKernels(params.backend as tf.KernelBackend, 'wasm', (calls) => {
    const xT = calls.transpose(x, [3, 1, 2, 0])
    const dyT = calls.transpose(dy, [1, 2, 0, 3])
    // Only the rows −pad_top … (oh−1)·s + kh − 1 − pad_top of x reach the output.
    const bottom = (outHeight - 1) * sh + kh - inHeight - padInfo.top
    const right = (outWidth - 1) * sw + kw - inWidth - padInfo.left
    const cropped = cropForConv(calls, xT, padInfo.top, bottom, padInfo.left, right)
    const dwT = conv2d(calls, cropped.x, dyT, cropped.pad, [sh, sw])
    return calls.transpose(dwT, [1, 2, 0, 3])
  })
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
}
