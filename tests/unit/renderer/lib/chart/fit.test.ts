import { describe, expect, it } from 'vitest'
import { fittedXRange, fittedYMax, type Point } from '../../../../../src-renderer/lib/chart'

const grid = Array.from({ length: 101 }, (_, i) => i / 100)
const curve = (f: (x: number) => number): Point[] => grid.map((x) => ({ x, y: f(x) }))

describe('fitted axis ranges', () => {
  it('ends the x axis a little past the last change of any curve (CIFAR curves that reach their floor by 0.03)', () => {
    const fast = curve((x) => (x < 0.02 ? 0.75 : x < 0.03 ? 0.3 : 0.05))
    const slower = curve((x) => (x < 0.05 ? 0.8 : 0.1))
    expect(fittedXRange([fast])).toEqual([0, 0.035])
    const [lo, hi] = fittedXRange([fast, slower])
    expect(lo).toBe(0)
    expect(hi).toBeCloseTo(0.06, 12)
  })

  it('keeps the whole range when a curve still changes at its end, or when nothing changes', () => {
    expect(fittedXRange([curve((x) => 1 - x)])).toEqual([0, 1])
    expect(fittedXRange([curve(() => 0.9)])).toEqual([0, 1])
    expect(fittedXRange([])).toEqual([0, 1])
  })

  it('tops the y axis at a round number above the largest value, never below the floor', () => {
    expect(fittedYMax([0.01, 0.18, 0.07], 0.05)).toBeCloseTo(0.2, 12)
    expect(fittedYMax([0.001, 0.002], 0.05)).toBeCloseTo(0.05, 12)
    expect(fittedYMax([0.3, Number.NaN, 0.62], 0)).toBeCloseTo(0.7, 12)
  })
})
