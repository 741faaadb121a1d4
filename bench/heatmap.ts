import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chooseBackend } from '../src-main/engine/compute/backend'
import { openDefaultDataset } from '../src-main/engine/data/default-datasets'
import { attachEngine } from '../src-main/engine/compute/forward'
import { fourierHeatmap } from '../src-main/engine/heatmap'
import { silentContext } from '../src-main/engine/base/job-context'
import { openDefaultModel } from '../src-main/engine/loaders'
import type { BenchRow } from './row'

const N = 1000
const REPO = fileURLToPath(new URL('..', import.meta.url))

/** PyTorch's time for the same heat map (scripts/heatmap-reference.py bench), or null without torch. */
function pytorchSeconds(): { seconds: number; maxErrors: number } | null {
  const run = spawnSync('/usr/bin/python3', [resolve(REPO, 'scripts', 'heatmap-reference.py'), 'bench', String(N)], {
    encoding: 'utf8',
    timeout: 3_600_000,
  })
  if (run.status !== 0) return null
  try {
    return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as { seconds: number; maxErrors: number }
  } catch {
    return null
  }
}

/**
 * The Fourier heat map (docs/algorithms.md §Fourier heat map) of the embedded MNIST model over the
 * 1,000 embedded test digits, every frequency pair (394), eps 6: HFC Lab on onnxruntime with 2
 * threads against the same computation in PyTorch with 2 threads, in one run.
 */
export async function benchHeatmap(): Promise<BenchRow[]> {
  await chooseBackend('wasm')
  const dataset = await openDefaultDataset('mnist')
  const model = await openDefaultModel('mnist')
  await attachEngine('onnxruntime', model, { threads: 2 })
  const indices = Int32Array.from({ length: N }, (_, i) => i)
  const start = performance.now()
  const map = await fourierHeatmap(model, dataset, indices, { eps: 6, stride: 1, seed: 0, defense: 'none' }, silentContext())
  const ours = (performance.now() - start) / 1000
  const torch = pytorchSeconds()
  const ratio = torch ? ours / torch.seconds : null
  return [
    {
      workload: `heatmap: MNIST 28x28, ${N} images x ${map.errors.length} frequencies, eps 6, onnxruntime 2 threads; baseline: PyTorch 2 threads (no_grad, batches of ${N})`,
      ours: Number(ours.toFixed(1)),
      baseline: torch ? Number(torch.seconds.toFixed(1)) : null,
      ratio: ratio === null ? null : Number(ratio.toFixed(3)),
      target: '<= 1',
      pass: ratio === null ? null : ratio <= 1,
      unit: 's',
    },
  ]
}

// `node --import tsx bench/heatmap.ts` runs this benchmark alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  benchHeatmap().then((rows) => console.table(rows))
}
