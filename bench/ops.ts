import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
import { chooseBackend } from '../src-main/engine/compute/backend'
import { registerFastWasmOps, stockWasmOp } from '../src-main/engine/ops'
import { paperCnn } from '../src-main/engine/models/architectures'
import type { BenchRow } from './row'

const MNIST_TRAIN_IMAGES = 60_000

function cpuMs(run: () => void): number {
  const start = process.cpuUsage()
  run()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}

/**
 * Least CPU times in ms of `ours` and `baseline` over `repeats` runs, alternated after one warm-up
 * each so that both see the same machine load. The wasm backend runs on one thread, so CPU time is
 * its compute time and, unlike wall time, leaves out the waits when other processes share the
 * cores; the minimum because what they do to caches and memory bandwidth only ever adds time.
 */
function pairedCpuMs(ours: () => void, baseline: () => void, repeats = 5): [number, number] {
  ours()
  baseline()
  const a: number[] = []
  const b: number[] = []
  for (let i = 0; i < repeats; i++) {
    a.push(cpuMs(ours))
    b.push(cpuMs(baseline))
  }
  return [Math.min(...a), Math.min(...b)]
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
    unit: 'ms CPU',
  }
}

/** Runs one kernel function directly on the wasm backend and frees its output. */
function runKernel(config: tf.KernelConfig, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): void {
  // wasm kernels are synchronous: the output is complete when kernelFunc returns, and reading it
  // back would cost more than some of the kernels themselves.
  const backend = tf.backend()
  const out = config.kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo
  backend.disposeData(out.dataId)
}

/** Our kernel against the stock tfjs-backend-wasm one it replaced, on the same inputs. */
function againstStock(kernelName: string, workload: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): BenchRow {
  const ours = tf.getKernel(kernelName, 'wasm')
  const stock = stockWasmOp(kernelName)
  if (!ours || !stock) throw new Error(`${kernelName}: no stock wasm kernel to compare with.`)
  const [oursMs, stockMs] = pairedCpuMs(
    () => runKernel(ours, inputs, attrs),
    () => runKernel(stock, inputs, attrs),
    3,
  )
  return row(`${workload}; baseline: the stock wasm kernel`, oursMs, stockMs, 0.5)
}

/**
 * Gradient ops on wasm (src-main/engine/ops) for the paper's MNIST CNN: the input gradient
 * against the forward pass, a training epoch against a forward pass over the same images, and
 * each replaced kernel against the stock one on the CNN's backprop shapes.
 */
export async function benchOps(): Promise<BenchRow[]> {
  await chooseBackend('wasm')
  registerFastWasmOps()
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

  const inputGrad = tf.grad((x: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, forward(x)))
  const [gradMs, forwardMs] = pairedCpuMs(
    () => sync(tf.tidy(() => inputGrad(images))),
    () => sync(tf.tidy(() => forward(images))),
  )

  const optimizer = tf.train.adam(1e-3)
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const batch = tf.slice(images, 0, 128)
  const batchLabels = tf.slice(labels, 0, 128)
  const step = (): tf.Scalar =>
    optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(batchLabels, model.apply(batch, { training: true }) as tf.Tensor) as tf.Scalar,
      true,
      variables,
    ) as tf.Scalar
  const stepMs = Math.min(...Array.from({ length: 5 }, () => cpuMs(() => sync(tf.tidy(step)))))
  const steps = Math.ceil(MNIST_TRAIN_IMAGES / 128)

  const dy = tf.randomUniform([256, 1024], -1, 1, 'float32', 2)
  const w = tf.randomUniform([3136, 1024], -1, 1, 'float32', 3)
  const convDy = tf.randomUniform([256, 14, 14, 64], -1, 1, 'float32', 4)
  const convW = tf.randomUniform([5, 5, 32, 64], -1, 1, 'float32', 5)
  const poolX = tf.randomUniform([256, 28, 28, 32], -1, 1, 'float32', 6)
  const poolY = tf.maxPool(poolX as tf.Tensor4D, 2, 2, 'valid')
  const poolDy = tf.randomUniform(poolY.shape, -1, 1, 'float32', 7)
  const rows = [
    row('MNIST paper CNN, input gradient (softmax CE), batch 256, wasm; baseline: forward pass', gradMs, forwardMs, 2.5),
    row(
      `MNIST paper CNN, est. training epoch (${steps} Adam steps of 128), wasm; baseline: forward over ${MNIST_TRAIN_IMAGES} images`,
      stepMs * steps,
      (forwardMs * MNIST_TRAIN_IMAGES) / 256,
      10,
      true,
    ),
    againstStock(
      tf.BatchMatMul,
      'dense backprop dx = dy·Wᵀ, [256,1024]·[3136,1024]ᵀ (transposeB)',
      { a: dy, b: w },
      { transposeA: false, transposeB: true },
    ),
    againstStock(
      tf.Conv2DBackpropInput,
      'conv2 dx of the paper CNN, dy [256,14,14,64], w 5x5x32x64, same',
      { dy: convDy, filter: convW },
      {
        strides: [1, 1],
        pad: 'same',
        dataFormat: 'NHWC',
        inputShape: [256, 14, 14, 32],
      },
    ),
    againstStock(
      tf.MaxPoolGrad,
      'pool1 dx of the paper CNN, 2x2/2 on [256,28,28,32]',
      { dy: poolDy, input: poolX, output: poolY },
      {
        filterSize: 2,
        strides: 2,
        pad: 'valid',
      },
    ),
  ]
  tf.dispose([images, labels, batch, batchLabels, dy, w, convDy, convW, poolX, poolY, poolDy])
  optimizer.dispose()
  model.dispose()
  return rows
}

// `node --import tsx bench/ops.ts` runs this benchmark alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  benchOps().then((rows) => console.table(rows))
}
