import { describe, expect, it } from 'vitest'
import { LabError } from '../../../../src-main/engine/base/errors'
import { svdSplit, svdSplitMany } from '../../../../src-main/engine/spectral'
import { jacobiSvd } from '../../../../src-main/engine/spectral/jacobi-svd'
import { mnistImages, plane, sampleImage } from './real-images'
import { itWithData } from '../../needs-data'

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

describe('jacobiSvd', () => {
  it('decomposes an MNIST digit into descending singular values with orthonormal factors', () => {
    const digit = plane(mnistImages(1), 0, 28, 28, 1, 0)
    const { sigma, scaledU, v } = jacobiSvd(digit, 28, 28)
    for (let j = 1; j < 28; j++) expect(sigma[j]).toBeLessThanOrEqual(sigma[j - 1])
    // U Sigma V^T rebuilds the digit.
    const rebuilt = new Float64Array(784)
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++) for (let j = 0; j < 28; j++) rebuilt[y * 28 + x] += scaledU[y * 28 + j] * v[x * 28 + j]
    expect(maxDiff(rebuilt, digit)).toBeLessThan(1e-12)
    // V^T V = I, and the Frobenius norm equals the root of the sum of squared singular values.
    for (let a = 0; a < 28; a++) {
      for (let b = 0; b < 28; b++) {
        let dot = 0
        for (let i = 0; i < 28; i++) dot += v[i * 28 + a] * v[i * 28 + b]
        expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-10)
      }
    }
    const frobenius = digit.reduce((s, x) => s + x * x, 0)
    expect(sigma.reduce((s, x) => s + x * x, 0)).toBeCloseTo(frobenius, 10)
  })

  it('handles wide matrices and rank-deficient ones', () => {
    const digit = plane(mnistImages(1), 0, 28, 28, 1, 0)
    const wide = digit.slice(0, 10 * 28)
    const { sigma, scaledU, v } = jacobiSvd(wide, 10, 28)
    expect(sigma.length).toBe(10)
    const rebuilt = new Float64Array(280)
    for (let y = 0; y < 10; y++)
      for (let x = 0; x < 28; x++) for (let j = 0; j < 10; j++) rebuilt[y * 28 + x] += scaledU[y * 10 + j] * v[x * 10 + j]
    expect(maxDiff(rebuilt, wide)).toBeLessThan(1e-12)
    // Rows 0..3 of MNIST digits are blank: rank deficiency must not break anything.
    expect(jacobiSvd(digit.slice(0, 4 * 28), 4, 28).sigma.every((s) => s === 0)).toBe(true)
  })
})

describe('svdSplit (docs/algorithms.md §SVD check)', () => {
  const digits = mnistImages(6)

  it('gives dominant + trailing == x for MNIST digits and every k from 1 to 20', () => {
    const splits = svdSplitMany(
      digits,
      6,
      28,
      28,
      1,
      Array.from({ length: 20 }, (_, i) => i + 1),
    )
    for (const { dominant, trailing } of splits)
      expect(
        maxDiff(
          dominant.map((v, i) => v + trailing[i]),
          digits,
        ),
      ).toBeLessThan(1e-5)
  })

  it('keeps the image whole in x_dom at k = 0 and in x_trail at k = 28', () => {
    const none = svdSplit(digits, 6, 28, 28, 1, 0)
    expect(maxDiff(none.dominant, digits)).toBeLessThan(1e-5)
    expect(Math.max(...none.trailing.map(Math.abs))).toBeLessThan(1e-5)
    const all = svdSplit(digits, 6, 28, 28, 1, 28)
    expect(maxDiff(all.trailing, digits)).toBeLessThan(1e-5)
  })

  it('puts exactly the k smallest singular values in x_trail', () => {
    const k = 5
    const { trailing } = svdSplit(digits, 6, 28, 28, 1, k)
    for (let i = 0; i < 6; i++) {
      const sigma = jacobiSvd(plane(digits, i, 28, 28, 1, 0), 28, 28).sigma
      const trailSigma = jacobiSvd(plane(trailing, i, 28, 28, 1, 0), 28, 28).sigma
      for (let j = 0; j < k; j++) expect(trailSigma[j]).toBeCloseTo(sigma[28 - k + j], 5)
      expect(trailSigma[k]).toBeLessThan(1e-5)
    }
  })

  itWithData('splits each channel of a CIFAR-10 image independently and agrees with svdSplitMany', async () => {
    const { pixels } = await sampleImage('cifar10_06_1.png')
    const one = svdSplit(pixels, 1, 32, 32, 3, 7)
    expect(
      maxDiff(
        one.dominant.map((v, i) => v + one.trailing[i]),
        pixels,
      ),
    ).toBeLessThan(1e-5)
    const many = svdSplitMany(pixels, 1, 32, 32, 3, [3, 7])
    expect(Array.from(many[1].dominant)).toEqual(Array.from(one.dominant))
    const red = svdSplit(Float32Array.from(plane(pixels, 0, 32, 32, 3, 0)), 1, 32, 32, 1, 7)
    expect(maxDiff(red.trailing, plane(one.trailing, 0, 32, 32, 3, 0))).toBeLessThan(1e-6)
  })

  it('refuses a trailing count outside 0..min(h, w) with a LabError', () => {
    expect(() => svdSplit(digits, 6, 28, 28, 1, 29)).toThrow(LabError)
    expect(() => svdSplit(digits, 6, 28, 28, 1, 1.5)).toThrow(/integer from 0 to 28/)
  })
})
