import { describe, expect, it } from 'vitest'
import { fromPixel, makeScale, toPixel } from '../../../../../src-renderer/lib/chart'

describe('chart scales', () => {
  it('maps a linear range onto pixels and back, with an upward y axis', () => {
    const x = makeScale('linear', 0, 0.04, 50, 450)
    expect(toPixel(x, 0)).toBe(50)
    expect(toPixel(x, 0.02)).toBeCloseTo(250, 9)
    expect(fromPixel(x, 350)).toBeCloseTo(0.03, 12)
    const y = makeScale('linear', 0, 1, 300, 20)
    expect(toPixel(y, 1)).toBe(20)
    expect(toPixel(y, 0.25)).toBeCloseTo(230, 9)
  })

  it('spaces decades evenly on a log axis and pins values below its range to the left edge', () => {
    const x = makeScale('log', 0.001, 1, 0, 300)
    expect(toPixel(x, 0.01)).toBeCloseTo(100, 9)
    expect(toPixel(x, 0.1)).toBeCloseTo(200, 9)
    expect(toPixel(x, 0)).toBe(0)
    expect(fromPixel(x, 150)).toBeCloseTo(10 ** -1.5, 12)
  })

  it('refuses a log axis that starts at zero, and widens an empty range instead of dividing by zero', () => {
    expect(() => makeScale('log', 0, 1, 0, 100)).toThrow(RangeError)
    const flat = makeScale('linear', 0.5, 0.5, 0, 100)
    expect(flat.hi).toBe(1.5)
    expect(Number.isFinite(toPixel(flat, 0.5))).toBe(true)
  })
})
