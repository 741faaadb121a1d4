import { describe, expect, it } from 'vitest'
import type { CurveEntryData, CurveRun, EnvelopeData } from '../../../../src-main/protocol/attacks'
import type { Evaluation } from '../../../../src-main/protocol/models'
import { compareCurveRuns, headlineOf, runsToJson, type RunRecord, type RunResults } from '../../../../src-renderer/lib/run-history'

// Only the fields the history reads; the rest of a curve entry does not enter these functions.
const entry = (attackLabel: string, defense: string, protocol: 'direct' | 'transfer', auc: number) =>
  ({
    attack: attackLabel.toLowerCase(),
    attackLabel,
    defense,
    protocol,
    curve: { auc },
    success: Uint8Array.from([1, 0]),
  }) as unknown as CurveEntryData
const envelope = (defense: string, auc: number, curves: number) => ({ defense, envelope: { auc, curves } }) as unknown as EnvelopeData
const curves = (entries: CurveEntryData[], envelopes: EnvelopeData[] = []): RunResults['curves'] => ({
  run: {
    runId: 'r',
    indices: new Int32Array(0),
    labels: new Int32Array(0),
    entries,
    skipped: [],
    envelopes,
    cancelled: false,
  } satisfies CurveRun,
  entries,
})

describe('run history', () => {
  it('lists an evaluation by its accuracy and size', () => {
    const evaluation = { accuracy: 0.985, n: 200 } as Evaluation
    expect(headlineOf('evaluation', evaluation)).toEqual([
      { label: 'accuracy', value: 0.985, format: 'percent' },
      { label: 'images', value: 200, format: 'count' },
    ])
  })

  it('lists a curve run by the AUC of every curve and of each worst case over two or more curves', () => {
    const run = curves(
      [entry('FGSM', 'none', 'direct', 0.42), entry('FGSM', 'D1 r=8', 'transfer', 0.61)],
      [envelope('none', 0.42, 1), envelope('D1 r=8', 0.55, 2)],
    )
    expect(headlineOf('curves', run).map((h) => [h.label, h.value])).toEqual([
      ['AUC FGSM · none · direct', 0.42],
      ['AUC FGSM · D1 r=8 · transfer', 0.61],
      ['AUC worst case · D1 r=8', 0.55],
    ])
  })

  it('compares two curve runs per (attack, defense, protocol): AUC of each and B − A, a dash where one run lacks the curve', () => {
    const a = curves([entry('FGSM', 'none', 'direct', 0.4), entry('HF', 'none', 'direct', 0.7)], [envelope('none', 0.38, 2)])
    const b = curves([entry('FGSM', 'none', 'direct', 0.55), entry('FGSM', 'D1 r=8', 'transfer', 0.9)], [envelope('none', 0.55, 1)])
    const rows = compareCurveRuns(a, b)
    expect(rows.map((r) => [r.attack, r.defense, r.protocol, r.a, r.b])).toEqual([
      ['FGSM', 'none', 'direct', 0.4, 0.55],
      ['HF', 'none', 'direct', 0.7, null],
      ['worst case', 'none', 'all', 0.38, null],
      ['FGSM', 'D1 r=8', 'transfer', null, 0.9],
    ])
    expect(rows[0].difference).toBeCloseTo(0.15, 12)
    expect(rows.slice(1).map((r) => r.difference)).toEqual([null, null, null])
  })

  it('compares a cancelled run by the curves that finished', () => {
    const partial: RunResults['curves'] = { run: null, entries: [entry('FGSM', 'none', 'direct', 0.3)] }
    const rows = compareCurveRuns(partial, curves([entry('FGSM', 'none', 'direct', 0.5)]))
    expect(rows).toHaveLength(1)
    expect(rows[0].difference).toBeCloseTo(0.2, 12)
  })

  it('exports runs as JSON any tool reads: typed arrays as arrays, NaN as null', () => {
    const result = curves([entry('FGSM', 'none', 'direct', 0.4)])
    result.entries[0].medianDistance = NaN
    const record: RunRecord<'curves'> = {
      id: 3,
      kind: 'curves',
      at: '2026-12-03T12:00:00.000Z',
      model: { name: 'mnist', spec: { defaultId: 'mnist' } },
      dataset: { name: 'MNIST', spec: { defaultId: 'mnist' } },
      params: { n: 8, seed: 0 },
      headline: headlineOf('curves', result),
      cancelled: false,
      result,
    }
    const parsed = JSON.parse(runsToJson([record])) as {
      app: string
      runs: { id: number; result: { entries: { success: number[]; medianDistance: null }[] } }[]
    }
    expect(parsed.app).toBe('hfc-lab')
    expect(parsed.runs[0].id).toBe(3)
    expect(parsed.runs[0].result.entries[0].success).toEqual([1, 0])
    expect(parsed.runs[0].result.entries[0].medianDistance).toBeNull()
  })
})
