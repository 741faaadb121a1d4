import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
import { chooseBackend } from '../src-main/engine/backend'
import { registerFastWasmKernels } from '../src-main/engine/kernels'
import { paperCnn } from '../src-main/engine/models/architectures'
import type { BenchRow } from './row'

const MNIST_TRAIN_IMAGES = 60_000

/** Median wall time of `run` in ms over `repeats` runs after one warm-up. */
function medianMs(run: () => void, repeats: number): number {
  run()
  const times: number[] = []
  for (let i = 0; i < repeats; i++) {
    const start = performance.now()
    run()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

function row(workload: string, ours: number, baseline: number, maxRatio: number, strict = false): BenchRow {
  const ratio = ours / baseline
  const pass = strict ? ratio < maxRatio : ratio <= maxRatio
  return {
    workload,
    ours: Math.round(ours),
    baseline: Math.round(baseline),
    ratio: Number(ratio.toFixed(2)),
    target: `${strict ? '<' : '<='} ${maxRatio}`,
    pass,
    unit: 'ms',
  }
}

/**
 * Gradient kernels on wasm (src-main/engine/kernels) for the paper's MNIST CNN: the input gradient
 * against the forward pass, a training epoch against a forward pass over the same images, and the
 * transposed matMul of the dense backprop against an explicit transpose + matMul.
 */
export async function benchKernels(): Promise<BenchRow[]> {
  await chooseBackend('wasm')
  registerFastWasmKernels()
  const model = paperCnn([28, 28, 1], 10, 0)
  const images = tf.randomUniform([256, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: 256 }, (_, i) => i % 10),
      'int32',
    ),
    10,
  )
  const forward = (x: tf.Tensor): tf.Tensor => model.apply(x, { training: false }) as tf.Tensor
  const sync = (t: tf.Tensor): void => {
    t.dataSync()
    t.dispose()
  }

  const forwardMs = medianMs(() => sync(tf.tidy(() => forward(images))), 5)
  const inputGrad = tf.grad((x: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, forward(x)))
  const gradMs = medianMs(() => sync(tf.tidy(() => inputGrad(images))), 5)

  const optimizer = tf.train.adam(1e-3)
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const batch = tf.slice(images, 0, 128)
  const batchLabels = tf.slice(labels, 0, 128)
  const stepMs = medianMs(
    () =>
      sync(
        tf.tidy(
          () =>
            optimizer.minimize(
              () => tf.losses.softmaxCrossEntropy(batchLabels, model.apply(batch, { training: true }) as tf.Tensor) as tf.Scalar,
              true,
              variables,
            ) as tf.Scalar,
        ),
      ),
    5,
  )
  const epochMs = stepMs * Math.ceil(MNIST_TRAIN_IMAGES / 128)
  const forwardEpochMs = forwardMs * (MNIST_TRAIN_IMAGES / 256)

  const a = tf.randomUniform([256, 3136], -1, 1, 'float32', 2)
  const b = tf.randomUniform([1024, 3136], -1, 1, 'float32', 3)
  const transposedMs = medianMs(() => sync(tf.matMul(a, b, false, true)), 5)
  const explicitMs = medianMs(() => sync(tf.tidy(() => tf.matMul(a, tf.transpose(b)))), 5)

  tf.dispose([images, labels, batch, batchLabels, a, b])
  optimizer.dispose()
  model.dispose()
  return [
    row('MNIST paper CNN, input gradient (softmax CE), batch 256, wasm; baseline: forward pass', gradMs, forwardMs, 2.5),
    row(
      `MNIST paper CNN, est. training epoch (${Math.ceil(MNIST_TRAIN_IMAGES / 128)} Adam steps of 128), wasm; baseline: forward over ${MNIST_TRAIN_IMAGES} images`,
      epochMs,
      forwardEpochMs,
      10,
      true,
    ),
    row('matMul [256,3136] x [1024,3136]ᵀ with transposeB, wasm; baseline: explicit transpose + matMul', transposedMs, explicitMs, 1.5),
  ]
}

// `node --import tsx bench/kernels.ts` runs this benchmark alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  benchKernels().then((rows) => console.table(rows))
}
