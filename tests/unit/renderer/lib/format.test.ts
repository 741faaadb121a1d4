import { describe, expect, it } from 'vitest'
import { fixed, percent } from '../../../../src-renderer/lib/format'

describe('table formatters', () => {
  it('show a dash for a statistic over no samples (NaN in the engine, null after JSON) instead of throwing', () => {
    for (const missing of [null, undefined, NaN, Infinity]) {
      expect(fixed(missing, 4)).toBe('–')
      expect(percent(missing)).toBe('–')
    }
    expect(JSON.parse(JSON.stringify({ median: NaN })).median).toBeNull()
  })

  it('format numbers as before', () => {
    expect(fixed(0.123456, 4)).toBe('0.1235')
    expect(percent(0)).toBe('0.0%')
    expect(percent(0.98765, 2)).toBe('98.77%')
  })
})
