import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineHost } from '../../../../src-main/engine/runtime/host'

/** Batch jobs spread over the worker pool must give exactly the single-worker result. */
describe('worker pool sharding', () => {
  let one: EngineHost
  let two: EngineHost
  const ids: Record<string, { datasetId: string; modelId: string }> = {}

  beforeAll(async () => {
    one = await EngineHost.start({ backend: 'wasm', workers: 1 })
    two = await EngineHost.start({ backend: 'wasm', workers: 2 })
    for (const [name, host] of [
      ['one', one],
      ['two', two],
    ] as const) {
      const { id: datasetId } = await host.call('data.open', { defaultId: 'mnist' })
      const { id: modelId } = await host.call('model.open', { defaultId: 'mnist' })
      ids[name] = { datasetId, modelId }
    }
  })
  afterAll(async () => {
    await one.close()
    await two.close()
  })

  it('runs on two workers', async () => {
    expect((await two.call('engine.info', {})).workers).toBe(2)
  })

  it('gives the same accuracy and confusion matrix', async () => {
    const a = await one.call('model.evaluate', { ...ids.one, limit: 301 })
    const b = await two.call('model.evaluate', { ...ids.two, limit: 301 })
    expect(b.n).toBe(301)
    expect(b.confusion).toEqual(a.confusion)
    expect(b.accuracy).toBe(a.accuracy)
  })

  it('gives the same Figure-1 samples and counts', async () => {
    const a = await one.call('spectral.figure1', { ...ids.one, radius: 4, limit: 200 })
    const b = await two.call('spectral.figure1', { ...ids.two, radius: 4, limit: 200 })
    expect(b.total).toBe(200)
    expect(b.counts).toEqual(a.counts)
    expect(b.lowOnly.map((s) => s.index)).toEqual(a.lowOnly.map((s) => s.index))
  })

  it('gives bit-identical per-sample attack results, seeded ones included', async () => {
    for (const attack of [
      { id: 'hf', params: { rMin: 2 } },
      { id: 'salt-pepper', params: { repetitions: 1, epsilons: 20, seed: 3 } },
    ]) {
      const a = await one.call('attack.run', { ...ids.one, attack, n: 12, seed: 5, returnAdversarials: true })
      const b = await two.call('attack.run', { ...ids.two, attack, n: 12, seed: 5, returnAdversarials: true })
      expect(Array.from(b.indices)).toEqual(Array.from(a.indices))
      expect(Array.from(b.success)).toEqual(Array.from(a.success))
      expect(Array.from(b.l2)).toEqual(Array.from(a.l2))
      expect(Buffer.from(b.adversarial!.buffer).equals(Buffer.from(a.adversarial!.buffer))).toBe(true)
    }
  })
})
