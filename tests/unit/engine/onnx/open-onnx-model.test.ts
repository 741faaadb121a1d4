import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerFastWasmOps } from '../../../../src-main/engine/ops'
import { firstConvLayers, kernelReport, lowPassKernels } from '../../../../src-main/engine/models'
import { openOnnxModel } from '../../../../src-main/engine/onnx'
import { fixtureBatch, maxAbs, maxAbsDiff, ONNX_FIXTURES, tfInputGradient } from './fixtures'

// PyTorch models exported with torch.onnx.export (opset 13, dynamic batch), each with PyTorch's
// logits and input gradient for 8 real images (scripts/make-onnx-fixtures.py).
const FIXTURES = [
  { name: 'mnist_cnn_narrow', shape: [28, 28, 1], range: undefined, softmax: false, params: 54_314 },
  { name: 'resnet_bn_cifar', shape: [32, 32, 3], range: undefined, softmax: false, params: 20_016 },
  { name: 'reshape_zoo_mnist', shape: [28, 28, 1], range: [0, 255] as [number, number], softmax: true, params: 10_133 },
]

beforeAll(() => registerFastWasmOps())

describe('openOnnxModel on PyTorch exports', () => {
  it.each(FIXTURES)(
    '$name matches PyTorch logits (1e-4) and input gradients (1e-3 relative) on wasm',
    async ({ name, shape, range, softmax, params }) => {
      const model = await openOnnxModel(join(ONNX_FIXTURES, `${name}.onnx`), range ? { inputRange: range } : {})
      try {
        expect(model.info.format).toMatch(/^onnx \(opset 13, pytorch 1\.13/)
        expect(model.info.inputShape).toEqual(shape)
        expect(model.info.gradients).toBe(true)
        expect(model.info.sha256).toMatch(/^[0-9a-f]{64}$/)
        expect(model.info.outputSoftmaxRemoved).toBe(softmax)
        expect(model.info.totalParams).toBe(params)
        expect(model.info.classes).toHaveLength(10)
        const { images, labels, logits, grad } = fixtureBatch(name)
        const ours = tf.tidy(() => model.logits(tf.tensor4d(images.data, images.shape as [number, number, number, number])).dataSync())
        expect(maxAbsDiff(ours, logits.data)).toBeLessThan(1e-4)
        const g = tfInputGradient((x) => model.logits(x), images, labels)
        expect(maxAbsDiff(g, grad.data) / maxAbs(grad.data)).toBeLessThan(1e-3)
      } finally {
        model.dispose()
      }
    },
  )

  it('summarises the ONNX nodes as layers: convolutions as Conv2D, the rest as Onnx<op>', async () => {
    const model = await openOnnxModel(join(ONNX_FIXTURES, 'resnet_bn_cifar.onnx'))
    try {
      const classes = model.info.layers.map((l) => l.className)
      expect(classes).toContain('Conv2D')
      expect(classes).toContain('OnnxBatchNormalization')
      expect(classes).toContain('OnnxGlobalAveragePool')
      expect(model.info.layers.find((l) => l.name === 'stem_Conv')).toMatchObject({
        className: 'Conv2D',
        outputShape: [null, 32, 32, 16],
        params: 432,
      })
    } finally {
      model.dispose()
    }
  })

  it('takes an explicit NCHW layout and user-stated normalisation (the preprocessing mean and std)', async () => {
    const plain = await openOnnxModel(join(ONNX_FIXTURES, 'mnist_cnn_narrow.onnx'), { layout: 'nchw' })
    const normalised = await openOnnxModel(join(ONNX_FIXTURES, 'mnist_cnn_narrow.onnx'), { mean: [0.5], std: [2] })
    try {
      const { images } = fixtureBatch('mnist_cnn_narrow')
      const x = tf.tensor4d(images.data, images.shape as [number, number, number, number])
      // (x - 0.5) / 2 fed to the network equals feeding the shifted image itself.
      const expected = tf.tidy(() => plain.logits(tf.div(tf.sub(x, 0.5), 2) as tf.Tensor4D).dataSync())
      const got = tf.tidy(() => normalised.logits(x).dataSync())
      expect(maxAbsDiff(got, expected)).toBeLessThan(1e-5)
      x.dispose()
    } finally {
      plain.dispose()
      normalised.dispose()
    }
  })
})

describe('D2 on ONNX models', () => {
  it('finds the first convolution in TF layout and low-passes its OIHW weights', async () => {
    const model = await openOnnxModel(join(ONNX_FIXTURES, 'mnist_cnn_narrow.onnx'))
    try {
      const convs = firstConvLayers(model.model!)
      expect(convs.map((c) => [c.name, c.kernelShape])).toEqual([
        ['conv1_Conv', [5, 5, 1, 8]],
        ['conv2_Conv', [5, 5, 8, 16]],
      ])
      const report = kernelReport(model, 'conv1_Conv', 1)
      expect(report.kernels).toHaveLength(8)
      const filtered = await lowPassKernels(model, 1)
      try {
        // Strict r = 1 keeps only the DC bin: every 5x5 kernel becomes its mean.
        const kernel = filtered.model!.getLayer('conv1_Conv').getWeights()[0]
        const values = kernel.dataSync()
        const before = report.kernels[0].before
        const mean = before.reduce((a, b) => a + b, 0) / before.length
        for (let i = 0; i < 25; i++) expect(values[i * 8]).toBeCloseTo(mean, 6)
        expect(filtered.info.variant).toBe('D2 conv1_Conv:r=1')
        const { images } = fixtureBatch('mnist_cnn_narrow')
        const x = tf.tensor4d(images.data, images.shape as [number, number, number, number])
        const changed = tf.tidy(() => maxAbsDiff(filtered.logits(x).dataSync(), model.logits(x).dataSync()))
        expect(changed).toBeGreaterThan(1e-3)
        x.dispose()
      } finally {
        filtered.dispose()
      }
    } finally {
      model.dispose()
    }
  })
})
