import { EngineHost } from '../src-main/engine/runtime/host'
import type { BenchRow } from './row'

async function evaluateWith(workers: number): Promise<{ ms: number; accuracy: number }> {
  const host = await EngineHost.start({ backend: 'wasm', workers })
  try {
    const { id: datasetId } = await host.call('data.open', { path: new URL('../../shared/data/mnist', import.meta.url).pathname })
    const { id: modelId } = await host.call('model.open', { defaultId: 'mnist' })
    await host.call('model.evaluate', { modelId, datasetId, limit: 512 })
    const start = performance.now()
    const result = await host.call('model.evaluate', { modelId, datasetId })
    return { ms: performance.now() - start, accuracy: result.accuracy }
  } finally {
    await host.close()
  }
}

/** Throughput of a batch job (accuracy over the 10,000 MNIST test images) on N workers against one. */
export async function benchPool(): Promise<BenchRow[]> {
  const one = await evaluateWith(1)
  const many = await evaluateWith(2)
  if (one.accuracy !== many.accuracy) throw new Error(`sharded accuracy ${many.accuracy} differs from unsharded ${one.accuracy}`)
  const speedup = one.ms / many.ms
  return [
    {
      workload: 'accuracy over 10,000 MNIST test images: 2 workers vs 1 (speed-up)',
      ours: many.ms,
      baseline: one.ms,
      ratio: speedup,
      target: '>= 1.7x throughput',
      pass: speedup >= 1.7,
      unit: 'ms',
    },
  ]
}
