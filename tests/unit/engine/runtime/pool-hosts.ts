import { afterAll, beforeAll } from 'vitest'
import { EngineHost } from '../../../../src-main/engine/runtime/host'

export interface PoolHosts {
  one: EngineHost
  two: EngineHost
  /** The embedded MNIST data set and model, opened on each host. */
  ids: Record<'one' | 'two', { datasetId: string; modelId: string }>
}

/**
 * A one-worker and a two-worker host on wasm, each with the embedded MNIST data set and model open,
 * started before the suite's tests and closed after them: a pooled job must give the one-worker result.
 */
export function poolHosts(): PoolHosts {
  const hosts = { ids: {} } as PoolHosts
  beforeAll(async () => {
    hosts.one = await EngineHost.start({ backend: 'wasm', workers: 1 })
    hosts.two = await EngineHost.start({ backend: 'wasm', workers: 2 })
    for (const name of ['one', 'two'] as const) {
      const host = hosts[name]
      const { id: datasetId } = await host.call('data.open', { defaultId: 'mnist' })
      const { id: modelId } = await host.call('model.open', { defaultId: 'mnist' })
      hosts.ids[name] = { datasetId, modelId }
    }
  })
  afterAll(async () => {
    await hosts.one?.close()
    await hosts.two?.close()
  })
  return hosts
}
