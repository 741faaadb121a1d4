import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openModel } from '../../../../src-main/engine/loaders'
import { saveLayersModel } from '../../../../src-main/engine/models'
import { createOrtClassifier } from '../../../../src-main/engine/onnx'
import { maxAbs, maxAbsDiff, tfInputGradient } from './fixtures'

const N = 2
const SIZE = 8

describe('Keras ReLU6 written for onnxruntime', () => {
  let dir: string
  beforeAll(async () => {
    await tf.setBackend('cpu')
    dir = mkdtempSync(join(tmpdir(), 'hfc-relu6-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  // A bias-free convolution over a black region gives pre-activations of exactly 0: TF.js' ReLU
  // layer (relu, then the clip) passes no gradient there, and onnxruntime's gradient graph must not either.
  it.each([
    { name: 'ReLU layer with maxValue 6', relu6: () => tfl.layers.reLU({ maxValue: 6 }) },
    { name: "activation 'relu6'", relu6: () => tfl.layers.activation({ activation: 'relu6' }) },
  ])('$name: input gradients match TF.js where pre-activations are exactly 0', async ({ name, relu6 }) => {
    const net = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [SIZE, SIZE, 1],
          filters: 4,
          kernelSize: 3,
          padding: 'same',
          useBias: false,
          kernelInitializer: tfl.initializers.randomNormal({ stddev: 4, seed: 1 }),
        }),
        relu6(),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }) }),
      ],
    })
    const folder = join(dir, name.replace(/\W+/g, '-'))
    await saveLayersModel(net, folder)
    net.dispose()
    // Left half black, right half seeded noise (large enough for some units to clip at 6).
    const pixels = tf.tidy(() => {
      const noise = tf.randomUniform([N, SIZE, SIZE / 2, 1], 0, 1, 'float32', 3)
      return tf.concat([tf.zeros([N, SIZE, SIZE / 2, 1]), noise], 2).dataSync() as Float32Array
    })
    const labels = [0, 2]
    const model = await openModel(join(folder, 'model.json'))
    const scorer = await createOrtClassifier(model)
    try {
      const expected = tfInputGradient((x) => model.logits(x), { data: pixels, shape: [N, SIZE, SIZE, 1] }, labels)
      const { grad } = await scorer.inputGradient!(pixels, labels)
      // The black region's gradient is where the two conventions would differ.
      expect(maxAbs(expected.filter((_, i) => i % SIZE < SIZE / 2))).toBeGreaterThan(0)
      expect(maxAbsDiff(grad, expected) / maxAbs(expected)).toBeLessThan(1e-5)
    } finally {
      await scorer.dispose()
      model.dispose()
    }
  })
})
