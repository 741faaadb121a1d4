import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { LabError } from '../../../../src-main/engine/base/errors'
import { registerFastWasmOps } from '../../../../src-main/engine/ops'
import { lowPassKernels } from '../../../../src-main/engine/models'
import { createOrtClassifier, createOrtSession, loadOnnxRuntime, openOnnxModel } from '../../../../src-main/engine/onnx'
import { lowPass } from '../../../../src-main/engine/spectral'
import { fixtureBatch, maxAbs, maxAbsDiff, ONNX_FIXTURES, tfInputGradient } from './fixtures'

beforeAll(() => registerFastWasmOps())

describe('onnxruntime backend', () => {
  it('loads onnxruntime-node and runs an InferenceSession on a PyTorch export', async () => {
    const ort = await loadOnnxRuntime()
    const session = await createOrtSession(new Uint8Array(readFileSync(join(ONNX_FIXTURES, 'mnist_cnn_narrow.onnx'))))
    try {
      const { images, logits } = fixtureBatch('mnist_cnn_narrow')
      const nchw = tf.tidy(
        () =>
          tf.transpose(tf.tensor4d(images.data, images.shape as [number, number, number, number]), [0, 3, 1, 2]).dataSync() as Float32Array,
      )
      const out = await session.run({ input: new ort.Tensor('float32', nchw, [8, 1, 28, 28]) })
      expect(out.output.dims).toEqual([8, 10])
      expect(maxAbsDiff(out.output.data as Float32Array, logits.data)).toBeLessThan(1e-4)
    } finally {
      await session.release()
    }
  })

  it.each([
    { name: 'mnist_cnn_narrow', range: undefined },
    { name: 'resnet_bn_cifar', range: undefined },
    { name: 'reshape_zoo_mnist', range: [0, 255] as [number, number] },
  ])('$name: logits and input gradients on [0, 1] NHWC images match PyTorch', async ({ name, range }) => {
    const model = await openOnnxModel(join(ONNX_FIXTURES, `${name}.onnx`), range ? { inputRange: range } : {})
    const scorer = await createOrtClassifier(model)
    try {
      expect(scorer.info.gradients).toBe(true)
      const { images, labels, logits, grad } = fixtureBatch(name)
      expect(maxAbsDiff(await scorer.scoreBatch(images.data, 8), logits.data)).toBeLessThan(1e-4)
      const g = await scorer.inputGradient!(images.data, labels)
      expect(maxAbsDiff(g.logits, logits.data)).toBeLessThan(1e-4)
      expect(maxAbsDiff(g.grad, grad.data) / maxAbs(grad.data)).toBeLessThan(1e-3)
      const ce = tf.tidy(() =>
        tf.neg(tf.sum(tf.mul(tf.logSoftmax(tf.tensor2d(logits.data, [8, 10])), tf.oneHot(tf.tensor1d(labels, 'int32'), 10)), 1)).dataSync(),
      )
      expect(maxAbsDiff(g.loss, ce)).toBeLessThan(1e-4)
    } finally {
      await scorer.dispose()
      model.dispose()
    }
  })

  it("builds D1 into the graph: the low-passed images' logits and the adaptive gradient through the filter", async () => {
    const model = await openOnnxModel(join(ONNX_FIXTURES, 'resnet_bn_cifar.onnx'))
    const scorer = await createOrtClassifier(model, { lowPass: { radius: 6 } })
    try {
      expect(scorer.info.variant).toBe('D1 r=6')
      const { images, labels } = fixtureBatch('resnet_bn_cifar')
      const x = tf.tensor4d(images.data, images.shape as [number, number, number, number])
      const expected = tf.tidy(() => model.logits(lowPass(x, 6)).dataSync())
      expect(maxAbsDiff(await scorer.scoreBatch(images.data, 8), expected)).toBeLessThan(1e-4)
      const tfGrad = tfInputGradient((t) => model.logits(lowPass(t, 6)), images, labels)
      const g = await scorer.inputGradient!(images.data, labels)
      expect(maxAbsDiff(g.grad, tfGrad) / maxAbs(tfGrad)).toBeLessThan(1e-3)
      x.dispose()
    } finally {
      await scorer.dispose()
      model.dispose()
    }
  })

  it('writes the gradient graph only when a gradient is first asked for: scoring alone never does', async () => {
    const model = await openOnnxModel(join(ONNX_FIXTURES, 'mnist_cnn_narrow.onnx'))
    const scorer = await createOrtClassifier(model)
    try {
      const { images, labels, logits, grad } = fixtureBatch('mnist_cnn_narrow')
      expect(maxAbsDiff(await scorer.scoreBatch(images.data, 8), logits.data)).toBeLessThan(1e-4)
      expect(scorer.gradientGraphWritten).toBe(false)
      const g = await scorer.inputGradient(images.data, labels)
      expect(scorer.gradientGraphWritten).toBe(true)
      expect(scorer.gradientUnavailable()).toBeUndefined()
      // The same gradient PyTorch's autograd gives (the eager graph matched it to this tolerance too).
      expect(maxAbsDiff(g.grad, grad.data) / maxAbs(grad.data)).toBeLessThan(1e-3)
    } finally {
      await scorer.dispose()
      model.dispose()
    }
  })

  it('runs a D2-filtered model with its replaced weights', async () => {
    const model = await openOnnxModel(join(ONNX_FIXTURES, 'mnist_cnn_narrow.onnx'))
    const filtered = await lowPassKernels(model, [
      { layer: 'conv1_Conv', radius: 2 },
      { layer: 'conv2_Conv', radius: 2 },
    ])
    const scorer = await createOrtClassifier(filtered)
    try {
      const { images } = fixtureBatch('mnist_cnn_narrow')
      const expected = tf.tidy(() => filtered.logits(tf.tensor4d(images.data, images.shape as [number, number, number, number])).dataSync())
      const original = tf.tidy(() => model.logits(tf.tensor4d(images.data, images.shape as [number, number, number, number])).dataSync())
      const got = await scorer.scoreBatch(images.data, 8)
      expect(maxAbsDiff(got, expected)).toBeLessThan(1e-4)
      expect(maxAbsDiff(got, original)).toBeGreaterThan(1e-2)
      expect(scorer.info.variant).toContain('D2')
    } finally {
      await scorer.dispose()
      filtered.dispose()
      model.dispose()
    }
  })

  it('refuses a batch of the wrong size and labels outside the classes, and answers an empty batch without a native abort', async () => {
    const model = await openOnnxModel(join(ONNX_FIXTURES, 'mnist_cnn_narrow.onnx'))
    const scorer = await createOrtClassifier(model)
    try {
      await expect(scorer.scoreBatch(new Float32Array(100), 1)).rejects.toThrow(LabError)
      await expect(scorer.inputGradient!(new Float32Array(784), [10])).rejects.toThrow(/not a class index/)
      // An empty batch answers empty: onnxruntime-node itself would abort the whole process.
      expect(await scorer.scoreBatch(new Float32Array(0), 0)).toHaveLength(0)
      expect((await scorer.inputGradient!(new Float32Array(0), [])).grad).toHaveLength(0)
    } finally {
      await scorer.dispose()
      model.dispose()
    }
  })
})
