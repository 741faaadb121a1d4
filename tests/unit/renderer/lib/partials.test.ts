import { describe, expect, it } from 'vitest'
import type { Figure1Partial } from '../../../../src-main/protocol/spectral'
import { partialCollector } from '../../../../src-renderer/lib/partials'

const counts = (highOnly: number) => ({ clean: 0, low: 0, high: 0, highOnly, lowOnly: 0 })
const part = (total: number, highOnly: number): Figure1Partial => ({ total, counts: counts(highOnly) })

describe('partialCollector', () => {
  it('keeps the latest partial of every worker of a pooled job', () => {
    const collect = partialCollector<Figure1Partial>()
    collect({ worker: 1, workers: 2, data: part(10, 1) })
    collect({ worker: 0, workers: 2, data: part(10, 2) })
    const parts = collect({ worker: 1, workers: 2, data: part(20, 3) })
    expect(parts.map((p) => [p.total, p.counts.highOnly])).toEqual([
      [20, 3],
      [10, 2],
    ])
  })

  it('keeps the latest partial of a job that ran on one worker, as it came', () => {
    const collect = partialCollector<Figure1Partial>()
    collect(part(5, 0))
    expect(collect(part(9, 1))).toEqual([part(9, 1)])
  })
})
