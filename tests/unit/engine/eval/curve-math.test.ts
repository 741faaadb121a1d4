import { describe, expect, it } from 'vitest'
import { accuracyAt, closedFormAuc, curveFromOutcomes, epsilonGrid, worstCaseEnvelope } from '../../../../src-main/engine/eval'
import { mulberry32 } from '../../../../src-main/engine/base/random'

function randomOutcomes(n: number, seed: number, maxDistance: number) {
  const rng = mulberry32(seed)
  const distances = Float32Array.from({ length: n }, () => (rng() < 0.2 ? 0 : rng() * maxDistance))
  const cleanCorrect = Uint8Array.from({ length: n }, () => (rng() < 0.9 ? 1 : 0))
  const adversarialCorrect = Uint8Array.from(distances, (d, i) => (d === 0 ? cleanCorrect[i] : rng() < 0.1 ? 1 : 0))
  return { distances, cleanCorrect, adversarialCorrect }
}

describe('robustness curve arithmetic', () => {
  it('the closed-form AUC and the 1001-point trapezoid agree', () => {
    for (const [seed, maxDistance] of [
      [1, 0.5],
      [2, 1.5],
      [3, 0.02],
    ]) {
      const o = randomOutcomes(500, seed, maxDistance)
      const curve = curveFromOutcomes(o.distances, o.cleanCorrect, o.adversarialCorrect)
      // Each sample's step can cost the trapezoid at most half a grid cell.
      expect(Math.abs(curve.auc - curve.aucTrapezoid)).toBeLessThanOrEqual(0.5 / 1000 + 1e-12)
    }
  })

  it('counts a sample with its adversarial from ε = d_i on, with its clean image before', () => {
    const o = { distances: [0.25, 0.5], cleanCorrect: [1, 1], adversarialCorrect: [0, 0] }
    expect(accuracyAt(o, [0, 0.2499, 0.25, 0.4999, 0.5, 1])).toEqual([1, 1, 0.5, 0.5, 0, 0])
    expect(closedFormAuc(o)).toBeCloseTo((0.25 + 0.5) / 2, 12)
  })

  it('stays at clean accuracy everywhere when every attack failed', () => {
    const cleanCorrect = Uint8Array.from([1, 0, 1, 1, 0, 1, 1, 1])
    const curve = curveFromOutcomes(new Float32Array(8), cleanCorrect, cleanCorrect)
    expect(new Set(curve.accuracy)).toEqual(new Set([0.75]))
    expect(curve.auc).toBeCloseTo(0.75, 12)
    expect(curve.aucTrapezoid).toBeCloseTo(0.75, 12)
  })

  it('builds a 101-point grid on [0, 1] by default and honours epsMax', () => {
    const o = randomOutcomes(50, 4, 3)
    const curve = curveFromOutcomes(o.distances, o.cleanCorrect, o.adversarialCorrect)
    expect(curve.grid).toEqual(epsilonGrid(101, 1))
    expect(curve.grid[100]).toBe(1)
    const wide = curveFromOutcomes(o.distances, o.cleanCorrect, o.adversarialCorrect, { epsMax: 3, points: 31 })
    expect(wide.grid.at(-1)).toBe(3)
    expect(Math.abs(wide.auc - wide.aucTrapezoid)).toBeLessThanOrEqual((0.5 * 3) / 1000 + 1e-12)
  })
})

describe('worst-case envelope', () => {
  it('keeps per sample the strongest attack, below the pointwise minimum of the curves', () => {
    const cleanCorrect = Uint8Array.from([1, 1, 1, 0])
    const fooled = Uint8Array.from([0, 0, 1, 0])
    const options = { points: 9 }
    const a = curveFromOutcomes(Float32Array.from([0.125, 0.75, 0, 0]), cleanCorrect, fooled, options)
    const b = curveFromOutcomes(Float32Array.from([0.5, 0.25, 0, 0]), cleanCorrect, fooled, options)
    const envelope = worstCaseEnvelope([a, b])
    // Sample 0 falls at 0.125 (to a), sample 1 at 0.25 (to b); sample 2 resists, sample 3 was wrong.
    expect(envelope.accuracy).toEqual([0.75, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25])
    expect(envelope.pointwiseMin[2]).toBe(0.5)
    expect(envelope.auc).toBeCloseTo(0.75 * 0.125 + 0.5 * 0.125 + 0.25 * 0.75, 12)
    expect(Math.abs(envelope.auc - envelope.aucTrapezoid)).toBeLessThan(1e-3)
    envelope.accuracy.forEach((v, k) => expect(v).toBeLessThanOrEqual(envelope.pointwiseMin[k] + 1e-12))
    expect(envelope.accuracy.some((v, k) => v < envelope.pointwiseMin[k])).toBe(true)
  })

  it('refuses curves of different samples or norms', () => {
    const one = curveFromOutcomes(new Float32Array(2), new Uint8Array(2), new Uint8Array(2))
    const other = curveFromOutcomes(new Float32Array(3), new Uint8Array(3), new Uint8Array(3))
    expect(() => worstCaseEnvelope([one, other])).toThrow(RangeError)
  })
})
