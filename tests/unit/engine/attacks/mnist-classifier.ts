import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { Classifier } from '../../../../src-main/engine/models/classifier'
import { SHARED_DATA } from '../../paths'

export interface MnistSlice {
  images: Float32Array
  labels: Int32Array
  count: number
}

/** The first `count` images of an MNIST IDX pair, as [0, 1] floats (test-only reader). */
export function readMnist(folder: 'mnist' | 'mnist-train-10k', count: number): MnistSlice {
  const prefix = folder === 'mnist' ? 't10k' : 'train'
  const images = gunzipSync(readFileSync(join(SHARED_DATA, folder, `${prefix}-images-idx3-ubyte.gz`)))
  const labels = gunzipSync(readFileSync(join(SHARED_DATA, folder, `${prefix}-labels-idx1-ubyte.gz`)))
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

let trained: Promise<Classifier> | undefined

/**
 * A real classifier for the attack tests: a 784-64-10 ReLU MLP (logits out) trained for a few
 * epochs on the first 2,000 digits of the MNIST training subset; deterministic (seeded
 * initialisers, no shuffling). It reaches about 89% on the first 1,000 official test digits.
 */
export function trainedMnistClassifier(): Promise<Classifier> {
  trained ??= (async () => {
    const train = readMnist('mnist-train-10k', 2000)
    const model = tfl.sequential({
      layers: [
        tfl.layers.flatten({ inputShape: [28, 28, 1] }),
        tfl.layers.dense({ units: 64, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
        tfl.layers.dense({ units: 10, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      ],
    })
    model.compile({
      optimizer: tf.train.adam(0.002),
      loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
    })
    const xs = tf.tensor4d(train.images, [train.count, 28, 28, 1])
    const ys = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10)
    await model.fit(xs, ys, { epochs: 15, batchSize: 64, shuffle: false, verbose: 0 })
    tf.dispose([xs, ys])
    return wrap(model)
  })()
  return trained
}
