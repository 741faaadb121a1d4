import { describe, expect, it } from 'vitest'
import { halfDiagonal, lowPassPlane } from '../../../../src-main/engine/spectral'
import { mnistImages, plane, sampleImage } from './real-images'
import { itWithData } from '../../needs-data'

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

/** Circular convolution on the n x n grid: (a * b)[i, j] = sum a[p, q] b[(i - p) mod n, (j - q) mod n]. */
function circularConvolution(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n)
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      const v = a[p * n + q]
      if (v === 0) continue
      for (let i = 0; i < n; i++) {
        const row = ((i - p + n) % n) * n
        for (let j = 0; j < n; j++) out[i * n + j] += v * b[row + ((j - q + n) % n)]
      }
    }
  }
  return out
}

describe('lowPassPlane (exact float64 split)', () => {
  const digits = mnistImages(3)
  const digit = plane(digits, 0, 28, 28, 1, 0)

  it('splits a digit into parts that sum back to it', () => {
    for (const r of [1, 4, 8, 12.5]) {
      const { low, high } = lowPassPlane(digit, 28, 28, r)
      expect(
        maxDiff(
          low.map((v, i) => v + high[i]),
          digit,
        ),
      ).toBeLessThan(1e-12)
    }
  })

  it('keeps only the mean under strict r = 1 and inclusive r = 0', () => {
    const mean = digit.reduce((s, v) => s + v, 0) / digit.length
    for (const { r, rule } of [
      { r: 1, rule: 'strict' as const },
      { r: 0, rule: 'inclusive' as const },
    ]) {
      const { low } = lowPassPlane(digit, 28, 28, r, { rule })
      expect(maxDiff(low, new Float64Array(784).fill(mean))).toBeLessThan(1e-12)
    }
  })

  it('keeps everything above the half-diagonal: x_h = 0', () => {
    const { low, high } = lowPassPlane(digit, 28, 28, halfDiagonal(28, 28) + 0.01)
    expect(maxDiff(high, new Float64Array(784))).toBeLessThan(1e-12)
    expect(maxDiff(low, digit)).toBeLessThan(1e-12)
  })

  itWithData('discards an imaginary part below 1e-12 with the floor(n/2) centroid, odd and even n', async () => {
    const { pixels } = await sampleImage('imagenet_02_438.jpg', 227)
    const sizes: Array<[number, Float64Array]> = [
      [28, digit],
      [3, digit.slice(0, 9)],
      [5, digit.slice(100, 125)],
      [11, digit.slice(200, 321)],
      [227, plane(pixels, 0, 227, 227, 3, 0)],
    ]
    const { pixels: cifar } = await sampleImage('cifar10_01_8.png')
    sizes.push([32, plane(cifar, 0, 32, 32, 3, 2)])
    for (const [n, x] of sizes) {
      for (const r of [1, 2, Math.sqrt(8), n / 4, n / 3]) {
        expect(lowPassPlane(x, n, n, r).maxImag).toBeLessThan(1e-12)
        expect(lowPassPlane(x, n, n, r, { rule: 'inclusive' }).maxImag).toBeLessThan(1e-12)
      }
    }
  })

  it('turns a k x k kernel into a constant (box) kernel under strict r = 1 and leaves it alone from r = 3 (5 x 5)', () => {
    const k5 = new Float64Array(25)
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) k5[i * 5 + j] = digit[(10 + i) * 28 + 8 + j] - 0.5
    const mean = k5.reduce((s, v) => s + v, 0) / 25
    expect(maxDiff(lowPassPlane(k5, 5, 5, 1).low, new Float64Array(25).fill(mean))).toBeLessThan(1e-12)
    expect(maxDiff(lowPassPlane(k5, 5, 5, 3).low, k5)).toBeLessThan(1e-12)
  })

  it('satisfies Theorem 1 in its padded circular form: w * x_l == w_l * x to 1e-12', () => {
    const n = 28
    const x = plane(digits, 1, n, n, 1, 0)
    const padded = new Float64Array(n * n)
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) padded[i * n + j] = digit[(8 + i) * n + 12 + j] - 0.3
    for (const r of [4, 8, 12]) {
      const xl = lowPassPlane(x, n, n, r).low
      const wl = lowPassPlane(padded, n, n, r).low
      expect(maxDiff(circularConvolution(padded, xl, n), circularConvolution(wl, x, n))).toBeLessThan(1e-12)
    }
  })

  it('splits non-square planes and supports square and gaussian masks with low + high = x', () => {
    const strip = digit.slice(0, 14 * 28)
    for (const kind of ['square', 'gaussian'] as const) {
      const { low, high, maxImag } = lowPassPlane(strip, 14, 28, 3, { kind })
      expect(
        maxDiff(
          low.map((v, i) => v + high[i]),
          strip,
        ),
      ).toBeLessThan(1e-12)
      expect(maxImag).toBeLessThan(1e-12)
    }
  })
})
