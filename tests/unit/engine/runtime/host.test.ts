import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineHost } from '../../../../src-main/engine/runtime/host'
import { LabCallError } from '../../../../src-main/protocol/errors'

describe('EngineHost with a real worker thread', () => {
  let host: EngineHost
  beforeAll(async () => {
    host = await EngineHost.start({ backend: 'wasm', workers: 1 })
  })
  afterAll(async () => {
    await host.close()
  })

  it('reports the backend in use and why the others were not used', async () => {
    const info = await host.call('engine.info', {})
    expect(info.backend).toBe('wasm')
    expect(info.attempts.find((a) => a.name === 'wasm')?.ok).toBe(true)
    expect(info.versions.tfjs).toMatch(/^4\./)
  })

  it('streams progress events while a job runs and returns its result', async () => {
    const events: number[] = []
    const result = await host.call('engine.selfTest', { iterations: 30, size: 64, pauseMs: 5 }, { onProgress: (p) => events.push(p.done) })
    expect(result.iterations).toBe(30)
    expect(Number.isFinite(result.checksum)).toBe(true)
    expect(events.length).toBeGreaterThan(1)
    expect(events.at(-1)).toBe(30)
  })

  it('cancels a running job within one batch', async () => {
    const controller = new AbortController()
    let seen = 0
    const pending = host.call(
      'engine.selfTest',
      { iterations: 10_000, size: 128 },
      {
        signal: controller.signal,
        onProgress: (p) => {
          seen = p.done
          if (p.done >= 5) controller.abort()
        },
      },
    )
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(seen).toBeLessThan(10_000)
  })

  it('rejects invalid parameters with a message that says what to fix', async () => {
    await expect(host.call('engine.selfTest', { iterations: -1 } as never)).rejects.toBeInstanceOf(LabCallError)
    await expect(host.call('engine.selfTest', { iterations: -1 } as never)).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })

  it('refuses a sub-shard from a client: only the host sets it, beside the params', async () => {
    const request = { modelId: 'm-1', datasetId: 'ds-1', limit: 8, subShard: { index: 0, count: 2 } }
    await expect(host.call('model.evaluate', request as never)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('subShard'),
    })
  })

  it('rejects unknown methods', async () => {
    await expect(host.call('no.such' as never, {} as never)).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' })
  })

  it('fails the running call and restarts the worker after a crash', async () => {
    const pending = host.call('engine.selfTest', { iterations: 10_000, size: 64, pauseMs: 2 })
    await new Promise((r) => setTimeout(r, 200))
    await host.crashWorkerForTest(0)
    await expect(pending).rejects.toMatchObject({ code: 'ENGINE_CRASHED' })
    expect(host.restartCount(0)).toBe(1)
    const info = await host.call('engine.info', {})
    expect(info.backend).toBe('wasm')
  })
})
