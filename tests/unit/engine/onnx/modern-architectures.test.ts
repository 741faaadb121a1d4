import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { LabError } from '../../../../src-main/engine/base/errors'
import { registerFastWasmOps } from '../../../../src-main/engine/ops'
import { constTensor } from '../../../../src-main/engine/onnx/const-tensor'
import { createOrtClassifier, createOrtSession, loadOnnxRuntime, openOnnxModel } from '../../../../src-main/engine/onnx'
import { fixtureBatch, maxAbs, maxAbsDiff, ONNX_FIXTURES, tfInputGradient } from './fixtures'
import { floats, graphBytes, seededFloats } from './onnx-graphs'

beforeAll(() => registerFastWasmOps())

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

describe('Resize', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'hfc-resize-'))
  const nearest = ['half_pixel', 'asymmetric', 'align_corners', 'tf_half_pixel_for_nn'].flatMap((coordinates) =>
    ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'].map((rounding) => ({ mode: 'nearest', coordinates, rounding })),
  )
  const linear = ['half_pixel', 'pytorch_half_pixel', 'asymmetric', 'align_corners'].map((coordinates) => ({
    mode: 'linear',
    coordinates,
    rounding: 'floor',
  }))
  // PyTorch's bicubic exports a = -0.75 (the default); TF's tf_half_pixel/half_pixel bicubic -0.5, often with exclude_outside.
  const cubic = ['half_pixel', 'pytorch_half_pixel', 'asymmetric', 'align_corners'].flatMap((coordinates) => [
    { mode: 'cubic', coordinates, rounding: 'floor' },
    { mode: 'cubic', coordinates, rounding: 'floor', cubicA: -0.5, excludeOutside: 1 },
  ])
  const cases = [...nearest, ...linear, ...cubic].flatMap(
    (c: { mode: string; coordinates: string; rounding: string; cubicA?: number; excludeOutside?: number }) => [
      { ...c, scales: [1, 1, 2, 2] },
      { ...c, scales: [1, 1, 0.75, 0.5] },
    ],
  )

  it.each(cases)(
    "$mode $coordinates $rounding a=$cubicA exclude=$excludeOutside x$scales: TF.js matches onnxruntime's own Resize kernel",
    async ({ mode, coordinates, rounding, scales, cubicA, excludeOutside }) => {
      const [oh, ow] = [Math.floor(12 * scales[2]), Math.floor(12 * scales[3])]
      const bytes = graphBytes({
        opset: 13,
        input: { name: 'x', dims: ['N', 2, 12, 12] },
        output: 'logits',
        nodes: [
          {
            op: 'Resize',
            inputs: ['x', '', 'scales'],
            outputs: ['y'],
            strings: { mode, coordinate_transformation_mode: coordinates, nearest_mode: rounding },
            ...(cubicA !== undefined ? { floats: { cubic_coeff_a: cubicA } } : {}),
            ...(excludeOutside !== undefined ? { ints: { exclude_outside: excludeOutside } } : {}),
          },
          { op: 'Flatten', inputs: ['y'], outputs: ['flat'], ints: { axis: 1 } },
          { op: 'Gemm', inputs: ['flat', 'w'], outputs: ['logits'] },
        ],
        initializers: { scales: constTensor('float', [4], scales), w: floats([2 * oh * ow, 3], 70) },
      })
      const path = join(scratch, `${mode}-${coordinates}-${rounding}-${cubicA}-${excludeOutside}-${scales.join('_')}.onnx`)
      writeFileSync(path, bytes)
      const model = await openOnnxModel(path)
      const session = await createOrtSession(bytes)
      try {
        const nchw = seededFloats(2 * 2 * 12 * 12, 71)
        const ort = await loadOnnxRuntime()
        const expected = (await session.run({ x: new ort.Tensor('float32', nchw, [2, 2, 12, 12]) })).logits.data as Float32Array
        const got = tf.tidy(() => model.logits(tf.transpose(tf.tensor4d(nchw, [2, 2, 12, 12]), [0, 2, 3, 1]) as tf.Tensor4D).dataSync())
        // onnxruntime computes the cubic coordinates and weights in float32, HFC Lab in float64.
        expect(maxAbsDiff(got, expected)).toBeLessThan(mode === 'cubic' ? 5e-5 : 1e-5)
      } finally {
        await session.release()
        model.dispose()
      }
    },
  )

  it('refuses exclude_outside on a linear resize by name', async () => {
    const bytes = graphBytes({
      opset: 13,
      input: { name: 'x', dims: ['N', 2, 12, 12] },
      output: 'logits',
      nodes: [
        { op: 'Resize', inputs: ['x', '', 'scales'], outputs: ['y'], strings: { mode: 'linear' }, ints: { exclude_outside: 1 } },
        { op: 'Flatten', inputs: ['y'], outputs: ['flat'], ints: { axis: 1 } },
        { op: 'Gemm', inputs: ['flat', 'w'], outputs: ['logits'] },
      ],
      initializers: { scales: constTensor('float', [4], [1, 1, 2, 2]), w: floats([2 * 24 * 24, 3], 70) },
    })
    const path = join(scratch, 'linear-exclude.onnx')
    writeFileSync(path, bytes)
    const failure = await openOnnxModel(path).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(LabError)
    expect((failure as LabError).code).toBe('MODEL_UNSUPPORTED_OP')
    expect((failure as LabError).message).toMatch(/excludes outside pixels/)
  })

  it('cubic: the onnxruntime gradient graph of the resize matches TF.js autodiff', async () => {
    const bytes = graphBytes({
      opset: 13,
      input: { name: 'x', dims: ['N', 2, 12, 12] },
      output: 'logits',
      nodes: [
        {
          op: 'Resize',
          inputs: ['x', '', 'scales'],
          outputs: ['y'],
          strings: { mode: 'cubic', coordinate_transformation_mode: 'pytorch_half_pixel' },
        },
        { op: 'Flatten', inputs: ['y'], outputs: ['flat'], ints: { axis: 1 } },
        { op: 'Gemm', inputs: ['flat', 'w'], outputs: ['logits'] },
      ],
      initializers: { scales: constTensor('float', [4], [1, 1, 0.75, 1.5]), w: floats([2 * 9 * 18, 3], 72) },
    })
    const path = join(scratch, 'cubic-grad.onnx')
    writeFileSync(path, bytes)
    const model = await openOnnxModel(path)
    const scorer = await createOrtClassifier(model)
    try {
      const images = { shape: [2, 12, 12, 2], data: seededFloats(2 * 12 * 12 * 2, 73).map((v) => v + 0.5) }
      const labels = [0, 2]
      const g = await scorer.inputGradient!(images.data, labels)
      const expected = tfInputGradient((t) => model.logits(t), images, labels)
      expect(maxAbs(expected)).toBeGreaterThan(1e-4)
      expect(maxAbsDiff(g.grad, expected) / maxAbs(expected)).toBeLessThan(1e-4)
    } finally {
      await scorer.dispose()
      model.dispose()
    }
  })
})

it('names the export opset that avoids an operator HFC Lab lacks', async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'hfc-opset-'))
  const path = join(scratch, 'group-norm.onnx')
  writeFileSync(
    path,
    graphBytes({
      opset: 18,
      input: { name: 'x', dims: ['N', 4, 8, 8] },
      output: 'logits',
      nodes: [
        { op: 'GroupNormalization', inputs: ['x', 's', 'b'], outputs: ['y'], ints: { num_groups: 2 } },
        { op: 'Flatten', inputs: ['y'], outputs: ['flat'], ints: { axis: 1 } },
        { op: 'Gemm', inputs: ['flat', 'w'], outputs: ['logits'] },
      ],
      initializers: { s: floats([2], 72), b: floats([2], 73), w: floats([256, 3], 74) },
    }),
  )
  const failure = await openOnnxModel(path).catch((e: unknown) => e)
  expect(failure).toBeInstanceOf(LabError)
  expect((failure as LabError).message).toMatch(
    /To avoid it, export with opset 17 or lower \(torch\.onnx\.export\(\.\.\., opset_version=17\)\)/,
  )
})
