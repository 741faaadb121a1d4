import { describe, expect, it } from 'vitest'
import { perSampleDistance } from '../../../../src-main/engine/scoring'

describe('perSampleDistance', () => {
  // Two 2×2 images: a perturbation of (0.5, 0, 0, 0) and one of every value from 0 to 1.
  const clean = new Float32Array([0, 0, 0, 0, 0, 0, 0, 0])
  const other = new Float32Array([0.5, 0, 0, 0, 1, 1, 1, 1])

  it('measures L∞, L2 and MSE on the [0, 1] scale', () => {
    expect(Array.from(perSampleDistance(clean, other, 2, 'linf'))).toEqual([0.5, 1])
    expect(Array.from(perSampleDistance(clean, other, 2, 'l2'))).toEqual([0.5, 2])
    expect(Array.from(perSampleDistance(clean, other, 2, 'mse'))).toEqual([0.0625, 1])
  })

  it('gives rms = L2 / √(values per image) = √MSE, which is 1.0 for the largest perturbation as L∞ is', () => {
    const rms = perSampleDistance(clean, other, 2, 'rms')
    expect(rms[0]).toBeCloseTo(0.25, 7)
    expect(rms[1]).toBe(1)
  })
})
