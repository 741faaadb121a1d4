import * as tf from '@tensorflow/tfjs-core'
import type { Theorem1Check } from '../../protocol/models'
import { firstConvLayers, lowPassKernels, type LoadedModel } from '../models'
import { convLayer, layersModelOf } from '../models/conv-layers'
import { fft2, lowPass, lowPassPlane } from '../spectral'

/** Circular convolution of one H x W plane with a kernel zero-padded onto the same grid, via the FFT. */
function circularProduct(
  aRe: Float64Array,
  aIm: Float64Array,
  bRe: Float64Array,
  bIm: Float64Array,
  out: Float64Array,
  h: number,
  w: number,
) {
  const re = new Float64Array(h * w)
  const im = new Float64Array(h * w)
  for (let i = 0; i < h * w; i++) {
    re[i] = aRe[i] * bRe[i] - aIm[i] * bIm[i]
    im[i] = aRe[i] * bIm[i] + aIm[i] * bRe[i]
  }
  const back = fft2(re, im, h, w, true)
  for (let i = 0; i < h * w; i++) out[i] += back.re[i]
}

/**
 * Theorem 1 (docs/algorithms.md §D2) on one image at the first conv layer: with the kernel zero-padded to the
 * image grid and filtered there, conv(x_l, w) and conv(x, w_l) agree to rounding under circular
 * convolution; with the model's own padding and D2's k x k filtering they differ, and by how much.
 */
export async function theorem1Check(
  model: LoadedModel,
  image: Float32Array,
  shape: [number, number, number],
  radius: number,
  layerName?: string,
): Promise<Theorem1Check> {
  const [h, w, c] = shape
  const layers = layersModelOf(model, 'The Theorem-1 check')
  const first = firstConvLayers(layers)
  const info = layerName ? first.find((l) => l.name === layerName) : first[0]
  if (!info) throw new Error(`${model.info.name} has no convolution layer ${layerName ?? ''}`)
  const [kh, kw, cin, cout] = info.kernelShape
  if (cin !== c || info.inputSize[0] !== h || info.inputSize[1] !== w) {
    throw new Error(
      `Theorem 1 is checked on the first layer, whose input is the image; ${info.name} takes ${info.inputSize.join('x')}x${cin}.`,
    )
  }
  const kernel = (await convLayer(layers, info.name).getWeights()[0].data()) as Float32Array

  const planeSpectrum = (plane: Float64Array) => fft2(plane, new Float64Array(h * w), h, w)
  let circularMaxDiff = 0
  let featureMaxAbs = 0
  for (let o = 0; o < cout; o++) {
    const viaLowImage = new Float64Array(h * w)
    const viaLowKernel = new Float64Array(h * w)
    for (let i = 0; i < cin; i++) {
      const x = new Float64Array(h * w)
      for (let p = 0; p < h * w; p++) x[p] = image[p * c + i]
      // Kernel centred at the origin of the grid (wrap-around), as circular 'same' convolution places it.
      const wPad = new Float64Array(h * w)
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) {
          const y = (((a - Math.floor(kh / 2)) % h) + h) % h
          const z = (((b - Math.floor(kw / 2)) % w) + w) % w
          wPad[y * w + z] = kernel[((a * kw + b) * cin + i) * cout + o]
        }
      }
      const X = planeSpectrum(x)
      const XL = planeSpectrum(lowPassPlane(x, h, w, radius).low)
      const W = planeSpectrum(wPad)
      const WL = planeSpectrum(lowPassPlane(wPad, h, w, radius).low)
      circularProduct(XL.re, XL.im, W.re, W.im, viaLowImage, h, w)
      circularProduct(X.re, X.im, WL.re, WL.im, viaLowKernel, h, w)
    }
    for (let p = 0; p < h * w; p++) {
      circularMaxDiff = Math.max(circularMaxDiff, Math.abs(viaLowImage[p] - viaLowKernel[p]))
      featureMaxAbs = Math.max(featureMaxAbs, Math.abs(viaLowImage[p]))
    }
  }

  const d2 = await lowPassKernels(model, [{ layer: info.name, radius }])
  try {
    const rel = tf.tidy(() => {
      const x = tf.tensor4d(image, [1, h, w, c])
      const layer = convLayer(layers, info.name)
      const layerD2 = convLayer(layersModelOf(d2, 'The Theorem-1 check'), info.name)
      const a = layer.apply(lowPass(x, radius)) as tf.Tensor
      const b = layerD2.apply(x) as tf.Tensor
      return tf.div(tf.max(tf.abs(tf.sub(a, b))), tf.maximum(tf.max(tf.abs(a)), 1e-12)).dataSync()[0]
    })
    return { layer: info.name, radius, circularMaxDiff, modelPaddingRelDiff: rel, featureMaxAbs }
  } finally {
    d2.dispose()
  }
}
