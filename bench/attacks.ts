import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import * as tf from '@tensorflow/tfjs-core'
import { findAttack, runAttack } from '../src-main/engine/attacks'
import { silentContext } from '../src-main/engine/base/job-context'
import { openModel } from '../src-main/engine/loaders/registry'
import { resourcesDir } from '../src-main/engine/base/resources-path'
import { lowPass } from '../src-main/engine/spectral'
import type { BenchRow } from './row'

const SHARED_DATA = fileURLToPath(new URL('../../shared/data', import.meta.url))
const BATCH = 16
const REPEATS = 5

/**
 * Per attack, parameters that keep one bench run to seconds on the paper CNN; the rest are the
 * defaults. The label of each row says what was changed.
 */
const WORKLOADS: { id: string; params: Record<string, unknown> }[] = [
  { id: 'hf', params: {} },
  { id: 'fgsm', params: {} },
  { id: 'pgd', params: {} },
  { id: 'deepfool', params: {} },
  { id: 'cw', params: { maxIterations: 20 } },
  { id: 'single-pixel', params: { maxPixels: 50 } },
  { id: 'salt-pepper', params: { repetitions: 2 } },
]

function testBatch(count: number): { images: tf.Tensor4D; labels: Int32Array } {
  const images = gunzipSync(readFileSync(join(SHARED_DATA, 'mnist', 't10k-images-idx3-ubyte.gz')))
  const labels = gunzipSync(readFileSync(join(SHARED_DATA, 'mnist', 't10k-labels-idx1-ubyte.gz')))
  const pixels = Float32Array.from(images.subarray(16, 16 + count * 784), (v) => v / 255)
  return { images: tf.tensor4d(pixels, [count, 28, 28, 1]), labels: Int32Array.from(labels.subarray(8, 8 + count)) }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]
}

/** Images per second of `op` on the batch: median of REPEATS runs after one warm-up. */
async function rate(images: tf.Tensor4D, op: (x: tf.Tensor4D) => tf.Tensor): Promise<number> {
  const once = async () => {
    const start = performance.now()
    const out = tf.tidy(() => op(images))
    await out.data()
    out.dispose()
    return performance.now() - start
  }
  await once()
  const times: number[] = []
  for (let r = 0; r < REPEATS; r++) times.push(await once())
  return (images.shape[0] * 1000) / median(times)
}

/**
 * Images per second of every attack on a batch of 16 MNIST test digits against the default MNIST
 * model, next to the forward-pass rate measured in the same run. An attack spends q̄ model
 * evaluations per image (its mean query count; a gradient evaluation costs about 3 forward
 * passes, and HF low-passes before each query) plus one forward pass that re-checks its result,
 * so its batching works when it runs within 2× of that many passes at the measured rates.
 */
export async function benchAttacks(modelDir = join(resourcesDir(), 'models', 'mnist')): Promise<BenchRow[]> {
  if (!existsSync(join(modelDir, 'model.json'))) {
    return [
      {
        workload: `attacks: skipped (no default MNIST model at ${modelDir}; run npm run train:defaults)`,
        ours: NaN,
        baseline: null,
        ratio: null,
        target: '-',
        pass: null,
        unit: 'images/s',
      },
    ]
  }
  const model = await openModel(modelDir)
  const { images, labels } = testBatch(BATCH)
  try {
    // Every attack is built from forward (and gradient) passes; HF also low-passes before each query.
    const forward = await rate(images, (x) => model.logits(x))
    const filter = await rate(images, (x) => lowPass(x, 10))
    const rows: BenchRow[] = [
      {
        workload: `forward pass, ${BATCH} MNIST images (${model.info.name})`,
        ours: forward,
        baseline: null,
        ratio: null,
        target: '-',
        pass: null,
        unit: 'images/s',
      },
      {
        workload: `low pass r = 10, ${BATCH} MNIST images`,
        ours: filter,
        baseline: null,
        ratio: null,
        target: '-',
        pass: null,
        unit: 'images/s',
      },
    ]
    for (const { id, params } of WORKLOADS) {
      const attack = findAttack(id)
      // A first run on two images builds the kernels and filter matrices the timed run reuses.
      const warmImages = tf.slice(images, 0, 2)
      await runAttack(id, model, warmImages, labels.subarray(0, 2), params, silentContext())
      warmImages.dispose()
      const start = performance.now()
      const result = await runAttack(id, model, images, labels, params, silentContext())
      const seconds = (performance.now() - start) / 1000
      const rate = BATCH / seconds
      const meanQueries = result.queries.reduce((a, b) => a + b, 0) / BATCH
      const passCost = attack?.needsGradients ? 3 : 1
      // Expected seconds per image: q̄ evaluations (each low-passed first for HF) plus the forward
      // pass that re-checks the result.
      const expected = (passCost * meanQueries + 1) / forward + (id === 'hf' ? meanQueries / filter : 0)
      const floor = 1 / (2 * expected)
      const fooled = result.success.reduce((a, b) => a + b, 0)
      const changed = Object.keys(params).length ? ` ${JSON.stringify(params)}` : ''
      rows.push({
        workload: `${attack?.label ?? id}${changed}, ${BATCH} images (${fooled} fooled, q̄ = ${meanQueries.toFixed(0)})`,
        ours: rate,
        baseline: forward,
        ratio: rate / forward,
        target: `>= ${(floor / forward).toPrecision(2)} (half the pass-count bound)`,
        pass: rate >= floor,
        unit: 'images/s',
      })
    }
    return rows
  } finally {
    tf.dispose(images)
  }
}
