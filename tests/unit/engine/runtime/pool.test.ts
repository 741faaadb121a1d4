import { describe, expect, it } from 'vitest'
import { poolHosts } from './pool-hosts'

/** Batch jobs spread over the worker pool must give exactly the single-worker result. */
describe('worker pool sharding', () => {
  const hosts = poolHosts()

  it('runs on two workers', async () => {
    expect((await hosts.two.call('engine.info', {})).workers).toBe(2)
  })

  it('gives the same accuracy and confusion matrix', async () => {
    const a = await hosts.one.call('model.evaluate', { ...hosts.ids.one, limit: 301 })
    const b = await hosts.two.call('model.evaluate', { ...hosts.ids.two, limit: 301 })
    expect(b.n).toBe(301)
    expect(b.confusion).toEqual(a.confusion)
    expect(b.accuracy).toBe(a.accuracy)
  })

  it('gives the same Figure-1 samples and counts', async () => {
    const a = await hosts.one.call('spectral.figure1', { ...hosts.ids.one, radius: 4, limit: 200 })
    const b = await hosts.two.call('spectral.figure1', { ...hosts.ids.two, radius: 4, limit: 200 })
    expect(b.total).toBe(200)
    expect(b.counts).toEqual(a.counts)
    expect(b.lowOnly.map((s) => s.index)).toEqual(a.lowOnly.map((s) => s.index))
  })

  it('gives bit-identical per-sample attack results, seeded ones included', async () => {
    for (const attack of [
      { id: 'hf', params: { rMin: 2 } },
      { id: 'salt-pepper', params: { repetitions: 1, epsilons: 20, seed: 3 } },
    ]) {
      const a = await hosts.one.call('attack.run', { ...hosts.ids.one, attack, n: 12, seed: 5, returnAdversarials: true })
      const b = await hosts.two.call('attack.run', { ...hosts.ids.two, attack, n: 12, seed: 5, returnAdversarials: true })
      expect(Array.from(b.indices)).toEqual(Array.from(a.indices))
      expect(Array.from(b.success)).toEqual(Array.from(a.success))
      expect(Array.from(b.l2)).toEqual(Array.from(a.l2))
      expect(Buffer.from(b.adversarial!.buffer).equals(Buffer.from(a.adversarial!.buffer))).toBe(true)
    }
  })
})
