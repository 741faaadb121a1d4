import { describe, expect, it } from 'vitest'
import { attackColours, defenseDashes, markerFor } from '../../../../../src-renderer/lib/chart'

describe('robustness line styles', () => {
  it('draws no defense solid, and D1 and D2 (and two radii of each) with different dash patterns', () => {
    const dashes = defenseDashes([
      { label: 'none', kind: 'none' },
      { label: 'd1:4', kind: 'd1' },
      { label: 'd1:8', kind: 'd1' },
      { label: 'd2:1', kind: 'd2' },
      { label: 'd2:2', kind: 'd2' },
      { label: 'd1:8', kind: 'd1' },
    ])
    expect(dashes.get('none')).toBe('')
    const patterns = ['d1:4', 'd1:8', 'd2:1', 'd2:2'].map((d) => dashes.get(d))
    expect(new Set([...patterns, '']).size).toBe(5)
    expect(dashes.size).toBe(5)
  })

  it('colours attacks in order of appearance and marks the protocols apart', () => {
    const colours = attackColours(['hf', 'fgsm', 'hf'])
    expect(colours.size).toBe(2)
    expect(colours.get('hf')).not.toBe(colours.get('fgsm'))
    expect(new Set(['transfer', 'direct', 'adaptive'].map((p) => markerFor(p, 'd1'))).size).toBe(3)
    expect(markerFor('direct', 'none')).toBe('none')
  })
})
