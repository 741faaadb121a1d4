import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { openDataset } from '../../../../src-main/engine/data'
import { registerFastWasmOps } from '../../../../src-main/engine/ops'
import { cifarCnn, firstConvLayers, paperCnn, trainClassifier } from '../../../../src-main/engine/models'
import { augmentBatch } from '../../../../src-main/engine/models/augment'
import { SHARED_DATA } from '../../paths'
import { itWithData } from '../../needs-data'

describe('architectures', () => {
  it("builds the paper's five-layer CNN with the shapes of docs/algorithms.md §Models and 3,274,634 parameters", () => {
    const model = paperCnn([28, 28, 1], 10)
    try {
      expect(model.layers.map((l) => [l.name, l.getClassName(), l.countParams()])).toEqual([
        ['conv1', 'Conv2D', 5 * 5 * 32 + 32],
        ['pool1', 'MaxPooling2D', 0],
        ['conv2', 'Conv2D', 5 * 5 * 32 * 64 + 64],
        ['pool2', 'MaxPooling2D', 0],
        ['flatten', 'Flatten', 0],
        ['fc1', 'Dense', 3136 * 1024 + 1024],
        ['dropout', 'Dropout', 0],
        ['fc2', 'Dense', 1024 * 10 + 10],
      ])
      expect(model.countParams()).toBe(3_274_634)
      // Truncated normal with std 0.1 (|w| < 0.2), biases 0.
      const kernel = model.getLayer('fc1').getWeights()[0]
      expect(tf.tidy(() => tf.max(tf.abs(kernel)).dataSync()[0])).toBeLessThanOrEqual(0.2)
      expect(tf.tidy(() => tf.moments(kernel).variance.dataSync()[0])).toBeGreaterThan(0.005)
      expect(tf.tidy(() => tf.max(tf.abs(model.getLayer('fc1').getWeights()[1])).dataSync()[0])).toBe(0)
    } finally {
      model.dispose()
    }
  })

  it('builds a CIFAR CNN with three conv layers for D2(r, r2, r3)', () => {
    const model = cifarCnn([32, 32, 3], 10)
    expect(firstConvLayers(model).map((c) => c.kernelShape)).toEqual([
      [5, 5, 3, 32],
      [3, 3, 32, 64],
      [3, 3, 64, 128],
    ])
    expect(model.outputs[0].shape).toEqual([null, 10])
    model.dispose()
  })
})

describe('training augmentation', () => {
  const image = Float32Array.from({ length: 4 * 4 }, (_, i) => i + 1)

  it('mirrors an image left-right when a flip is drawn and leaves it alone otherwise', () => {
    const flipped = augmentBatch(image, [4, 4, 1], { flip: true }, () => 0.1)
    expect(Array.from(flipped.subarray(0, 4))).toEqual([4, 3, 2, 1])
    expect(Array.from(augmentBatch(image, [4, 4, 1], { flip: true }, () => 0.9))).toEqual(Array.from(image))
  })

  it('shifts by the drawn offset and fills the uncovered border with zeros', () => {
    // random() = 1 − ε draws the largest offset, +1 pixel down and right for maxShift 1.
    const shifted = augmentBatch(image, [4, 4, 1], { maxShift: 1 }, () => 0.999)
    expect(Array.from(shifted)).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11])
  })
})

describe('training on wasm', () => {
  beforeAll(() => {
    registerFastWasmOps()
  })

  itWithData('lowers the loss of the paper CNN on 256 real MNIST digits within two epochs, without leaking tensors', async () => {
    const dataset = await openDataset(join(SHARED_DATA, 'mnist-train-10k'))
    const indices = Array.from({ length: 256 }, (_, i) => i)
    const data = {
      images: await dataset.read(indices),
      labels: dataset.labels().slice(0, 256),
      shape: [28, 28, 1] as [number, number, number],
    }
    const model = paperCnn([28, 28, 1], 10, 7)
    const tensors = tf.memory().numTensors
    const reports = await trainClassifier(model, data, 10, { epochs: 2, batchSize: 64, learningRate: 1e-3, seed: 3, maxShift: 1 })
    expect(reports).toHaveLength(2)
    expect(reports[1].loss).toBeLessThan(reports[0].loss)
    expect(tf.memory().numTensors).toBe(tensors)
    model.dispose()
  })
})
