import { describe, expect, it } from 'vitest'
import { niceCeil, niceStep, tickLabel, ticks } from '../../../../../src-renderer/lib/chart'

describe('tick choice', () => {
  it('steps by 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(1, 5)).toBe(0.2)
    expect(niceStep(0.04, 5)).toBeCloseTo(0.01, 15)
    expect(niceStep(0.3, 5)).toBeCloseTo(0.05, 15)
    expect(niceStep(700, 5)).toBe(100)
  })

  it('gives round linear ticks without float noise, ends included', () => {
    expect(ticks('linear', 0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(ticks('linear', 0, 0.3)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3])
    expect(ticks('linear', 0.013, 0.041)).toEqual([0.015, 0.02, 0.025, 0.03, 0.035, 0.04])
  })

  it('puts log ticks on decades, with 2 and 5 between them over a short range', () => {
    expect(ticks('log', 0.01, 1)).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1])
    expect(ticks('log', 1e-5, 10)).toEqual([1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10])
  })

  it('falls back to linear ticks on a log axis zoomed inside a decade', () => {
    expect(ticks('log', 0.26, 0.49)).toEqual([0.3, 0.35, 0.4, 0.45])
  })

  it('rounds an axis end up to a nice number just above the data', () => {
    expect(niceCeil(0.0312)).toBeCloseTo(0.035, 12)
    expect(niceCeil(0.063)).toBeCloseTo(0.07, 12)
    expect(niceCeil(1)).toBe(1)
    expect(niceCeil(0.181)).toBeCloseTo(0.2, 12)
  })

  it('labels ticks briefly', () => {
    expect(tickLabel(0)).toBe('0')
    expect(tickLabel(0.30000000000000004)).toBe('0.3')
    expect(tickLabel(0.0001)).toBe('1e-4')
  })
})
