import { describe, expect, it } from 'vitest'
import { LabError } from '../../../../src-main/engine/base/errors'
import { centroid, halfDiagonal, ifftshift, keptBinCount, radialMask, radialMaskUnshifted } from '../../../../src-main/engine/spectral'

/** docs/algorithms.md §D2: kept bins at r = 1..8 (a full count repeats once the filter is a no-op). */
const KEPT_BINS: Array<[number, 'strict' | 'inclusive', number[]]> = [
  [3, 'strict', [1, 9, 9, 9, 9, 9, 9, 9]],
  [3, 'inclusive', [5, 9, 9, 9, 9, 9, 9, 9]],
  [5, 'strict', [1, 9, 25, 25, 25, 25, 25, 25]],
  [5, 'inclusive', [5, 13, 25, 25, 25, 25, 25, 25]],
  [11, 'strict', [1, 9, 25, 45, 69, 109, 117, 121]],
  [11, 'inclusive', [5, 13, 29, 49, 81, 109, 117, 121]],
]

describe('radial masks', () => {
  it.each(KEPT_BINS)('keep the number of bins of docs/algorithms.md §D2 on a %ix%i kernel grid under the %s rule', (k, rule, counts) => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((r) => keptBinCount(k, k, r, { rule }))).toEqual(counts)
  })

  it('default to the strict rule of the authors code: d == r goes to high', () => {
    const strict = radialMask(11, 11, 4)
    const inclusive = radialMask(11, 11, 4, { rule: 'inclusive' })
    // (5, 9) is at distance exactly 4 from the centroid (5, 5).
    expect(strict[5 * 11 + 9]).toBe(0)
    expect(inclusive[5 * 11 + 9]).toBe(1)
  })

  it('compare radii computed as sqrt(p^2 + q^2) exactly, as the HF attack does', () => {
    const r = Math.sqrt(3 * 3 + 4 * 4)
    expect(radialMask(28, 28, r)[(14 + 3) * 28 + 14 + 4]).toBe(0)
    expect(radialMask(28, 28, r, { rule: 'inclusive' })[(14 + 3) * 28 + 14 + 4]).toBe(1)
  })

  it('centre on (floor(h/2), floor(w/2)) and give the natural-order mask as its ifftshift', () => {
    for (const [h, w] of [
      [28, 28],
      [27, 27],
      [9, 14],
      [227, 227],
    ]) {
      const centred = radialMask(h, w, 1)
      expect(centred.indexOf(1)).toBe(centroid(h) * w + centroid(w))
      expect(Array.from(radialMaskUnshifted(h, w, 5.5))).toEqual(Array.from(ifftshift(radialMask(h, w, 5.5), h, w)))
    }
  })

  it('use the Chebyshev distance for square masks and exp(-d^2 / 2r^2) for gaussian ones', () => {
    const square = radialMask(9, 9, 3)
    expect(keptBinCount(9, 9, 3, { kind: 'square' })).toBe(25)
    expect(square.length).toBe(81)
    const gaussian = radialMask(9, 9, 2, { kind: 'gaussian' })
    expect(gaussian[4 * 9 + 4]).toBe(1)
    expect(gaussian[4 * 9 + 7]).toBeCloseTo(Math.exp(-9 / 8), 6)
    expect(gaussian[0]).toBeCloseTo(Math.exp(-32 / 8), 6)
  })

  it('keep every bin once r exceeds the half-diagonal (strict) or reaches it (inclusive)', () => {
    for (const n of [28, 32, 27, 224, 227]) {
      const d = halfDiagonal(n, n)
      expect(d).toBeCloseTo(Math.SQRT2 * Math.floor(n / 2), 12)
      expect(keptBinCount(n, n, d, { rule: 'inclusive' })).toBe(n * n)
      expect(keptBinCount(n, n, d + 1e-9)).toBe(n * n)
      expect(keptBinCount(n, n, d)).toBeLessThan(n * n)
    }
  })

  it('refuse negative or non-finite radii and unknown kinds with an actionable LabError', () => {
    expect(() => radialMask(5, 5, -1)).toThrow(LabError)
    expect(() => radialMask(5, 5, Number.NaN)).toThrow(/radius must be a number/)
    expect(() => radialMask(5, 5, 2, { kind: 'disc' as never })).toThrow(/Unknown mask kind/)
  })
})
