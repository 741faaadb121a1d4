import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerFastWasmKernels } from '../../../../src-main/engine/kernels'
import { createOrtClassifier, openOnnxModel } from '../../../../src-main/engine/onnx'
import { fixtureBatch, maxAbs, maxAbsDiff, ONNX_FIXTURES, tfInputGradient } from './fixtures'

beforeAll(() => registerFastWasmKernels())

/** scripts/make-onnx-modern-fixtures.py: a small ConvNeXt, a small ViT and a net that resizes as F.interpolate exports, each at opset 13 and 17. */
const MODELS = ['convnext_small_op13', 'convnext_small_op17', 'vit_small_op13', 'vit_small_op17', 'resize_net_op13', 'resize_net_op17']

describe('modern architectures (LayerNormalization, GELU, attention, Resize) against PyTorch', () => {
  it.each(MODELS)('%s: TF.js logits and input gradients match PyTorch', async (name) => {
    const model = await openOnnxModel(join(ONNX_FIXTURES, `${name}.onnx`))
    try {
      const { images, labels, logits, grad } = fixtureBatch(name)
      const z = tf.tidy(() => model.logits(tf.tensor4d(images.data, images.shape as [number, number, number, number])).dataSync())
      expect(maxAbsDiff(z, logits.data)).toBeLessThan(1e-4)
      const g = tfInputGradient((t) => model.logits(t), images, labels)
      expect(maxAbs(grad.data)).toBeGreaterThan(1e-5)
      expect(maxAbsDiff(g, grad.data) / maxAbs(grad.data)).toBeLessThan(1e-3)
    } finally {
      model.dispose()
    }
  })

  it.each(MODELS)('%s: the onnxruntime gradient graph matches PyTorch', async (name) => {
    const model = await openOnnxModel(join(ONNX_FIXTURES, `${name}.onnx`))
    const scorer = await createOrtClassifier(model)
    try {
      const { images, labels, logits, grad } = fixtureBatch(name)
      const n = labels.length
      expect(scorer.info.gradients).toBe(true)
      expect(maxAbsDiff(await scorer.scoreBatch(images.data, n), logits.data)).toBeLessThan(1e-4)
      const g = await scorer.inputGradient!(images.data, labels)
      expect(maxAbsDiff(g.logits, logits.data)).toBeLessThan(1e-4)
      expect(maxAbsDiff(g.grad, grad.data) / maxAbs(grad.data)).toBeLessThan(1e-3)
    } finally {
      await scorer.dispose()
      model.dispose()
    }
  })
})
