import { describe, expect, it } from 'vitest'
import { poolHosts } from './pool-hosts'
import type { CurveEntryData } from '../../../../src-main/protocol/attacks'
import { isPooledPartial } from '../../../../src-main/protocol/define'
import type { PartialOf } from '../../../../src-main/protocol/methods'
import type { Progress } from '../../../../src-main/protocol/messages'
import { selectionBound } from '../../../../src-main/engine/runtime/routing'

/** What a sharded job tells its caller while it runs: progress and streamed partials. */
describe('sharded job routing', () => {
  const hosts = poolHosts()

  it('streams each curve of a two-worker sweep whole, merged over the workers, equal to the single-worker curve', async () => {
    const request = {
      attacks: [{ id: 'fgsm', params: {} }],
      defenses: [{ kind: 'none' as const }, { kind: 'd1' as const, radius: 8 }],
      protocols: ['transfer' as const],
      norm: 'linf' as const,
      n: 10,
      seed: 0,
    }
    const streamed: CurveEntryData[] = []
    const onPartial = (p: PartialOf<'attack.curve'>) => {
      expect(p.type).toBe('curve-entry')
      streamed.push(p.entry)
    }
    const sharded = await hosts.two.call('attack.curve', { ...hosts.ids.two, ...request }, { onPartial })
    const single = await hosts.one.call('attack.curve', { ...hosts.ids.one, ...request })
    expect(streamed.map((e) => e.defense)).toEqual(['none', single.entries[1].defense])
    expect(streamed.map((e) => e.curve.auc)).toEqual(single.entries.map((e) => e.curve.auc))
    expect(streamed.map((e) => e.curve.auc)).toEqual(sharded.entries.map((e) => e.curve.auc))
    expect(streamed[0].success.length).toBe(10)
  })

  it("streams a pooled job's partials as the protocol's PooledPartial, one worker's as they are", async () => {
    const request = { radius: 4, limit: 40 }
    const pooled: PartialOf<'spectral.figure1'>[] = []
    const single: PartialOf<'spectral.figure1'>[] = []
    const result = await hosts.two.call('spectral.figure1', { ...hosts.ids.two, ...request }, { onPartial: (p) => pooled.push(p) })
    await hosts.one.call('spectral.figure1', { ...hosts.ids.one, ...request }, { onPartial: (p) => single.push(p) })
    expect(pooled.length).toBeGreaterThan(0)
    expect(pooled.every((p) => isPooledPartial(p) && p.workers === 2 && Object.keys(p).sort().join() === 'data,worker,workers')).toBe(true)
    expect(new Set(pooled.map((p) => (isPooledPartial(p) ? p.worker : -1)))).toEqual(new Set([0, 1]))
    // The last partial of each worker counts that worker's whole block: together, the result.
    const last = new Map(pooled.flatMap((p) => (isPooledPartial(p) ? [[p.worker, p.data] as const] : [])))
    expect([...last.values()].reduce((s, p) => s + p.total, 0)).toBe(result.total)
    expect([...last.values()].reduce((s, p) => s + p.counts.highOnly, 0)).toBe(result.counts.highOnly)
    expect(single.length).toBeGreaterThan(0)
    expect(single.some(isPooledPartial)).toBe(false)
    expect(single.at(-1)).toEqual({ total: result.total, counts: result.counts })
  })

  it('reports accuracy-versus-radius progress over every image from the start, moving within a batch', async () => {
    const events: Progress[] = []
    const curve = await hosts.two.call('spectral.radiusCurve', { ...hosts.ids.two, limit: 300 }, { onProgress: (p) => events.push(p) })
    expect(curve.n).toBe(300)
    // Both shards' totals are known before any batch ends, so the bar never reads 0/1 or a shard's half.
    expect(events.some((p) => p.total === 300 && p.done < 150)).toBe(true)
    expect(events.every((p) => p.done <= p.total)).toBe(true)
    // 150 images per worker fit one batch: progress still moves per radius within it.
    expect(new Set(events.map((p) => p.done)).size).toBeGreaterThan(3)
    expect(events.at(-1)).toMatchObject({ done: 300, total: 300 })
  })

  it('runs a one-image sweep on one worker of two (an empty block crashed the job), with the single-worker AUC', async () => {
    const request = {
      attacks: [{ id: 'fgsm', params: {} }],
      defenses: [{ kind: 'none' as const }],
      protocols: ['transfer' as const],
      norm: 'linf' as const,
      limit: 1,
    }
    const [single, pooled] = await Promise.all([
      hosts.one.call('attack.curve', { ...hosts.ids.one, ...request }),
      hosts.two.call('attack.curve', { ...hosts.ids.two, ...request }),
    ])
    expect(pooled.indices).toHaveLength(1)
    expect(pooled.entries[0].curve.auc).toBe(single.entries[0].curve.auc)
  })

  it('runs attacks on a class with fewer images than workers (one worker gets an empty block) as one worker does', async () => {
    // Of test images 0-9 only image 0 is a 7: the params bound the selection to 10, the class filter leaves 1.
    const selection = { indices: '0-9', classIndex: 7 }
    const attack = { attack: { id: 'fgsm', params: {} }, returnAdversarials: true }
    const [singleRun, pooledRun] = await Promise.all([
      hosts.one.call('attack.run', { ...hosts.ids.one, ...selection, ...attack }),
      hosts.two.call('attack.run', { ...hosts.ids.two, ...selection, ...attack }),
    ])
    expect(Array.from(pooledRun.indices)).toEqual([0])
    expect(Array.from(pooledRun.labels)).toEqual([7])
    for (const key of ['success', 'predicted', 'margin', 'linf', 'queries', 'adversarial'] as const)
      expect(Array.from(pooledRun[key] ?? []), key).toEqual(Array.from(singleRun[key] ?? []))
    expect(Object.keys(pooledRun.extra).sort()).toEqual(Object.keys(singleRun.extra).sort())
    for (const key of Object.keys(singleRun.extra)) expect(Array.from(pooledRun.extra[key]), key).toEqual(Array.from(singleRun.extra[key]))
    expect(pooledRun.spectrum.bins).toEqual(singleRun.spectrum.bins)

    const curve = { attacks: [{ id: 'fgsm', params: {} }], protocols: ['transfer' as const] }
    const [singleCurve, pooledCurve] = await Promise.all([
      hosts.one.call('attack.curve', { ...hosts.ids.one, ...selection, ...curve }),
      hosts.two.call('attack.curve', { ...hosts.ids.two, ...selection, ...curve }),
    ])
    expect(Array.from(pooledCurve.indices)).toEqual([0])
    expect(pooledCurve.entries.map((e) => [e.successRate, e.curve.auc, e.curve.count])).toEqual(
      singleCurve.entries.map((e) => [e.successRate, e.curve.auc, e.curve.count]),
    )
  })

  it('bounds a selection from its params alone: limit, n, listed indices, divided among shards', () => {
    expect(selectionBound({ limit: 3 })).toBe(3)
    expect(selectionBound({ limit: 100, n: 5 })).toBe(5)
    expect(selectionBound({ indices: '0-9,20,30-31' })).toBe(13)
    expect(selectionBound({ indices: '0-9', shard: { index: 0, count: 4 } })).toBe(3)
    expect(selectionBound({})).toBe(Infinity)
  })
})
