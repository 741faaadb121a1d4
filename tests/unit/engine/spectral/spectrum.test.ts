import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import {
  decompose,
  fft2,
  fftshift,
  halfDiagonal,
  logMagnitudeSpectrum,
  radialBins,
  radialEnergyProfile,
  radialEnergyProfiles,
} from '../../../../src-main/engine/spectral'
import { mnistImages, plane, sampleImage } from './real-images'
import { itWithData } from '../../needs-data'

/** Reference E(rho) per docs/algorithms.md §Beyond the paper from the float64 FFT: |F x|^2 binned by floor(distance), summed over planes. */
function referenceProfile(pixels: Float32Array, n: number, h: number, w: number, c: number): Float64Array {
  const profile = new Float64Array(Math.floor(halfDiagonal(h, w)) + 1)
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const z = fft2(plane(pixels, i, h, w, c, ch), new Float64Array(h * w), h, w)
      const re = fftshift(z.re, h, w)
      const im = fftshift(z.im, h, w)
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const d = Math.sqrt((y - Math.floor(h / 2)) ** 2 + (x - Math.floor(w / 2)) ** 2)
          profile[Math.floor(d)] += re[y * w + x] ** 2 + im[y * w + x] ** 2
        }
      }
    }
  }
  const sum = profile.reduce((a, v) => a + v, 0)
  return profile.map((v) => v / sum)
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

describe('logMagnitudeSpectrum', () => {
  itWithData('equals log(1 + |fftshift(fft2(x))|) per channel of RGB images', async () => {
    const { pixels, h, w, c } = await sampleImage('cifar10_04_6.png')
    const images = tf.tensor4d(pixels, [1, h, w, c])
    const spectrum = logMagnitudeSpectrum(images)
    expect(spectrum.shape).toEqual([1, h, w, c])
    const values = spectrum.dataSync()
    for (let ch = 0; ch < c; ch++) {
      const z = fft2(plane(pixels, 0, h, w, c, ch), new Float64Array(h * w), h, w)
      const expected = fftshift(
        z.re.map((re, k) => Math.log1p(Math.hypot(re, z.im[k]))),
        h,
        w,
      )
      const got = Float64Array.from({ length: h * w }, (_, k) => values[k * c + ch])
      // float32 products of magnitude up to h*w; log1p compresses the absolute error.
      expect(maxDiff(got, expected)).toBeLessThan(1e-4)
    }
    tf.dispose([images, spectrum])
  })

  it('puts the DC term, log(1 + sum x), at the centroid of odd-sized MNIST crops', () => {
    const digits = mnistImages(2)
    const crop = new Float32Array(2 * 27 * 27)
    for (let i = 0; i < 2; i++)
      for (let y = 0; y < 27; y++) for (let x = 0; x < 27; x++) crop[(i * 27 + y) * 27 + x] = digits[(i * 28 + y) * 28 + x]
    const spectrum = logMagnitudeSpectrum(tf.tensor4d(crop, [2, 27, 27, 1])).dataSync()
    for (let i = 0; i < 2; i++) {
      const total = crop.slice(i * 729, (i + 1) * 729).reduce((s, v) => s + v, 0)
      expect(spectrum[i * 729 + 13 * 27 + 13]).toBeCloseTo(Math.log1p(total), 4)
    }
  })
})

describe('radialEnergyProfile', () => {
  it('matches the binned |F x|^2 of the float64 FFT for MNIST tensors, sums to 1 and has floor(max d) + 1 bins', () => {
    const digits = mnistImages(20)
    const profile = radialEnergyProfile(tf.tensor4d(digits, [20, 28, 28, 1]))
    expect(profile.length).toBe(Math.floor(Math.SQRT2 * 14) + 1)
    expect(profile.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12)
    expect(maxDiff(profile, referenceProfile(digits, 20, 28, 28, 1))).toBeLessThan(1e-5)
  })

  itWithData('accepts NHWC typed arrays of RGB and odd-sized images', async () => {
    const { pixels } = await sampleImage('cifar10_05_6.png')
    const crop = new Float64Array(31 * 29 * 3)
    for (let y = 0; y < 31; y++)
      for (let x = 0; x < 29; x++) for (let ch = 0; ch < 3; ch++) crop[(y * 29 + x) * 3 + ch] = pixels[(y * 32 + x) * 3 + ch]
    const profile = radialEnergyProfile({ data: crop, shape: [1, 31, 29, 3] })
    expect(maxDiff(profile, referenceProfile(Float32Array.from(crop), 1, 31, 29, 3))).toBeLessThan(1e-5)
  })

  it('puts x_l(r) energy strictly below bin r and x_h(r) energy from bin r up, and gives zeros for zero energy', () => {
    const { low, high } = decompose(tf.tensor4d(mnistImages(8), [8, 28, 28, 1]), 8)
    const lowProfile = radialEnergyProfile(low)
    const highProfile = radialEnergyProfile(high)
    expect(Math.max(...lowProfile.slice(8))).toBeLessThan(1e-9)
    expect(Math.max(...highProfile.slice(0, 8))).toBeLessThan(1e-9)
    expect(lowProfile.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12)
    const zero = radialEnergyProfile({ data: new Float32Array(2 * 784), shape: [2, 28, 28, 1] })
    expect(Array.from(zero).every((v) => v === 0)).toBe(true)
    tf.dispose([low, high])
  })
})

describe('radialEnergyProfiles', () => {
  it('gives every image its own float64-FFT profile, and all zeros to an image without energy', () => {
    const digits = mnistImages(6)
    // A batch of differences of digits (signed, like perturbations) with one zero image.
    const deltas = new Float32Array(5 * 784)
    for (let i = 0; i < 4; i++) for (let k = 0; k < 784; k++) deltas[i * 784 + k] = digits[(i + 1) * 784 + k] - digits[i * 784 + k]
    const profiles = radialEnergyProfiles(tf.tensor4d(deltas, [5, 28, 28, 1]))
    const bins = radialBins(28, 28)
    expect(bins).toBe(20)
    expect(profiles.length).toBe(5 * bins)
    for (let i = 0; i < 4; i++) {
      const row = profiles.subarray(i * bins, (i + 1) * bins)
      expect(maxDiff(row, referenceProfile(deltas.subarray(i * 784, (i + 1) * 784), 1, 28, 28, 1))).toBeLessThan(1e-5)
      expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5)
    }
    expect(Array.from(profiles.subarray(4 * bins)).every((v) => v === 0)).toBe(true)
  })

  it('sums the channels of an RGB image and agrees with radialEnergyProfile on a batch of one', () => {
    const h = 12
    const w = 9
    const pixels = Float32Array.from({ length: 2 * h * w * 3 }, (_, k) => Math.sin(0.37 * k) * Math.cos(0.011 * k * k))
    const profiles = radialEnergyProfiles({ data: pixels, shape: [2, h, w, 3] })
    const bins = radialBins(h, w)
    for (let i = 0; i < 2; i++) {
      const one = pixels.subarray(i * h * w * 3, (i + 1) * h * w * 3)
      expect(maxDiff(profiles.subarray(i * bins, (i + 1) * bins), referenceProfile(one, 1, h, w, 3))).toBeLessThan(1e-5)
      expect(maxDiff(profiles.subarray(i * bins, (i + 1) * bins), radialEnergyProfile({ data: one, shape: [1, h, w, 3] }))).toBeLessThan(
        1e-6,
      )
    }
  })
})
