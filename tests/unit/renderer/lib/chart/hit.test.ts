import { describe, expect, it } from 'vitest'
import { nearestIndexByX, nearestPoint, type Point } from '../../../../../src-renderer/lib/chart'

const project = (p: Point) => ({ x: p.x * 100, y: 100 - p.y * 100 })
const a: Point[] = [
  { x: 0, y: 1 },
  { x: 0.5, y: 0.5 },
  { x: 1, y: 0.2 },
]
const b: Point[] = [
  { x: 0, y: 0.9 },
  { x: 0.5, y: 0.45 },
  { x: 1, y: 0.1 },
]

describe('hit testing', () => {
  it('picks the nearest point of any series within the radius', () => {
    expect(nearestPoint([a, b], { x: 52, y: 54 }, project, 10)).toMatchObject({ series: 1, index: 1 })
    expect(nearestPoint([a, b], { x: 49, y: 49 }, project, 10)).toMatchObject({ series: 0, index: 1 })
  })

  it('misses when no point is within the radius, and never hits a hidden series', () => {
    expect(nearestPoint([a, b], { x: 25, y: 25 }, project, 10)).toBeNull()
    expect(nearestPoint([a, b], { x: 52, y: 54 }, project, 10, new Set([1]))).toMatchObject({ series: 0, index: 1 })
  })

  it('snaps an x position to the nearest data point', () => {
    expect(nearestIndexByX(a, 0.2)).toBe(0)
    expect(nearestIndexByX(a, 0.3)).toBe(1)
    expect(nearestIndexByX(a, 7)).toBe(2)
    expect(nearestIndexByX(a, -1)).toBe(0)
    expect(nearestIndexByX([], 0.5)).toBe(-1)
  })
})
