import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { Classifier } from '../../../../src-main/engine/models/classifier'
import { RESOURCES, SHARED_DATA } from '../../paths'

export interface MnistSlice {
  images: Float32Array
  labels: Int32Array
  count: number
}

/** Test digits the repository carries: resources/datasets/mnist holds the first 1,000 of the official test set. */
const EMBEDDED_TEST_DIGITS = 1000

/**
 * The first `count` images of an MNIST IDX pair, as [0, 1] floats (test-only reader). Test digits
 * come from the embedded subset when it holds them (same bytes), so tests that need no training
 * data run without the large data sets.
 */
export function readMnist(folder: 'mnist' | 'mnist-train-10k', count: number): MnistSlice {
  const prefix = folder === 'mnist' ? 't10k' : 'train'
  const root = folder === 'mnist' && count <= EMBEDDED_TEST_DIGITS ? join(RESOURCES, 'datasets') : SHARED_DATA
  const images = gunzipSync(readFileSync(join(root, folder, `${prefix}-images-idx3-ubyte.gz`)))
  const labels = gunzipSync(readFileSync(join(root, folder, `${prefix}-labels-idx1-ubyte.gz`)))
  const pixels = Float32Array.from(images.subarray(16, 16 + count * 784), (v) => v / 255)
  return { images: pixels, labels: Int32Array.from(labels.subarray(8, 8 + count)), count }
}

/** The first `count` test images as a [count, 28, 28, 1] tensor with their labels. */
export function mnistTestBatch(count: number, offset = 0): { images: tf.Tensor4D; labels: Int32Array } {
  const all = readMnist('mnist', offset + count)
  return {
    images: tf.tensor4d(all.images.subarray(offset * 784), [count, 28, 28, 1]),
    labels: all.labels.subarray(offset),
  }
}

function wrap(model: tfl.LayersModel): Classifier {
  return {
    info: {
      name: 'test MLP (2,000 MNIST training digits)',
      format: 'tfjs-layers',
      source: 'trained in the test',
      inputShape: [28, 28, 1],
      inputRange: [0, 1],
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      layers: [],
      totalParams: model.countParams(),
      gradients: true,
      sha256: '',
      variant: '',
    },
    logits: (images) => model.apply(images, { training: false }) as tf.Tensor2D,
  }
}

function buildMlp(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [28, 28, 1] }),
      tfl.layers.dense({ units: 64, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      tfl.layers.dense({ units: 10, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
    ],
  })
}

async function train(model: tfl.Sequential): Promise<void> {
  const data = readMnist('mnist-train-10k', 2000)
  model.compile({
    optimizer: tf.train.adam(0.002),
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  })
  const xs = tf.tensor4d(data.images, [data.count, 28, 28, 1])
  const ys = tf.oneHot(tf.tensor1d(data.labels, 'int32'), 10)
  await model.fit(xs, ys, { epochs: 15, batchSize: 64, shuffle: false, verbose: 0 })
  tf.dispose([xs, ys])
}

// Test files run in separate processes; the trained weights are shared through a temp file
// (written atomically) so only the first one pays for training.
const WEIGHTS_FILE = join(tmpdir(), 'hfc-lab-attack-tests-mlp-v1.f32')

let trained: Promise<Classifier> | undefined

/**
 * A real classifier for the attack tests: a 784-64-10 ReLU MLP (logits out) trained for 15
 * epochs on the first 2,000 digits of the MNIST training subset; deterministic (seeded
 * initialisers, no shuffling). It reaches about 89% on the first 1,000 official test digits.
 */
export function trainedMnistClassifier(): Promise<Classifier> {
  trained ??= (async () => {
    const model = buildMlp()
    const weights = model.getWeights()
    const total = weights.reduce((s, w) => s + w.size, 0)
    const cached = existsSync(WEIGHTS_FILE) ? readFileSync(WEIGHTS_FILE) : undefined
    if (cached && cached.byteLength === total * 4) {
      const values = new Float32Array(cached.buffer.slice(cached.byteOffset, cached.byteOffset + cached.byteLength))
      let at = 0
      model.setWeights(
        weights.map((w) => {
          const t = tf.tensor(values.subarray(at, at + w.size), w.shape)
          at += w.size
          return t
        }),
      )
    } else {
      await train(model)
      const values = new Float32Array(total)
      let at = 0
      for (const w of model.getWeights()) {
        values.set(w.dataSync(), at)
        at += w.size
      }
      const temp = `${WEIGHTS_FILE}.${process.pid}.tmp`
      writeFileSync(temp, Buffer.from(values.buffer))
      renameSync(temp, WEIGHTS_FILE)
    }
    return wrap(model)
  })()
  return trained
}
