import * as tf from '@tensorflow/tfjs-core'
import { expect } from 'vitest'
import type { AttackResult } from '../../../../src-main/engine/attacks'
import { logitMargins, MARGIN_TAU } from '../../../../src-main/engine/attacks/margin'
import type { Classifier } from '../../../../src-main/engine/models/classifier'
import { fft2, fftshift } from '../../../../src-main/engine/spectral'

/**
 * The contract every attack result keeps: images in [0, 1]; every success re-checked by a
 * fresh query of the model and past the margin rule; failures return the clean image; distances
 * and margins measured on the returned images; the perturbation spectrum of every sample is the
 * float64 FFT's |F(a − x)|² binned by floor of the radius and normalised (zeros where a = x).
 */
export async function expectValidResult(model: Classifier, images: tf.Tensor4D, labels: Int32Array, result: AttackResult): Promise<void> {
  const n = images.shape[0]
  const size = images.size / n
  const clean = (await images.data()) as Float32Array
  expect(result.adversarial.length).toBe(clean.length)
  for (const v of result.adversarial) {
    expect(v).toBeGreaterThanOrEqual(0)
    expect(v).toBeLessThanOrEqual(1)
  }
  const logits = await tf.tidy(() => model.logits(tf.tensor4d(result.adversarial, images.shape))).data()
  const margins = logitMargins(logits, labels)
  for (let i = 0; i < n; i++) {
    const a = result.adversarial.subarray(i * size, (i + 1) * size)
    const x = clean.subarray(i * size, (i + 1) * size)
    if (result.success[i]) expect(margins[i]).toBeLessThan(-MARGIN_TAU)
    else expect(Array.from(a)).toEqual(Array.from(x))
    expect(Math.abs(result.margin[i] - margins[i])).toBeLessThan(1e-4)
    let sq = 0
    let max = 0
    for (let k = 0; k < size; k++) {
      sq += (a[k] - x[k]) ** 2
      max = Math.max(max, Math.abs(a[k] - x[k]))
    }
    expect(result.distanceL2[i]).toBeCloseTo(Math.sqrt(sq), 5)
    expect(result.distanceLinf[i]).toBeCloseTo(max, 6)
    expect(result.queries[i]).toBeGreaterThanOrEqual(1)
    const bins = result.spectrum.bins
    const spectrum = result.spectrum.profiles.subarray(i * bins, (i + 1) * bins)
    const reference = perturbationProfile(a, x, images.shape[1], images.shape[2], images.shape[3], bins)
    for (let r = 0; r < bins; r++) expect(Math.abs(spectrum[r] - reference[r])).toBeLessThan(1e-5)
  }
}

/** The radial energy profile of a − x from the float64 FFT, per channel, centred, binned by floor(distance). */
function perturbationProfile(a: Float32Array, x: Float32Array, h: number, w: number, c: number, bins: number): Float64Array {
  const profile = new Float64Array(bins)
  for (let ch = 0; ch < c; ch++) {
    const plane = Float64Array.from({ length: h * w }, (_, k) => a[k * c + ch] - x[k * c + ch])
    const z = fft2(plane, new Float64Array(h * w), h, w)
    const re = fftshift(z.re, h, w)
    const im = fftshift(z.im, h, w)
    for (let y = 0; y < h; y++) {
      for (let u = 0; u < w; u++)
        profile[Math.floor(Math.hypot(y - Math.floor(h / 2), u - Math.floor(w / 2)))] += re[y * w + u] ** 2 + im[y * w + u] ** 2
    }
  }
  const sum = profile.reduce((s, v) => s + v, 0)
  return sum > 0 ? profile.map((v) => v / sum) : profile
}

export function median(values: ArrayLike<number>): number {
  const sorted = Array.from(values).sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
