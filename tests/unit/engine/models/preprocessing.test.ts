import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDefaultDataset } from '../../../../src-main/engine/data'
import { openDefaultModel, openModel } from '../../../../src-main/engine/loaders'
import { createOrtClassifier, exportOnnx } from '../../../../src-main/engine/onnx'
import { registerFastWasmOps } from '../../../../src-main/engine/ops'
import { EngineHost } from '../../../../src-main/engine/runtime/host'
import { accuracyWarning, sidecarOf, type Preprocessing } from '../../../../src-main/protocol/models'
import { itWithData } from '../../needs-data'
import { SHARED_DATA } from '../../paths'
import { labErrorOf } from '../lab-error-of'
import { fixtureBatch, maxAbs, maxAbsDiff, ONNX_FIXTURES, readNpy, tfInputGradient } from '../onnx/fixtures'

beforeAll(() => registerFastWasmOps())

/** Keras "caffe" preprocessing: 0-255 pixels, BGR, the ImageNet means in BGR order (make-onnx-preprocessing-fixtures.py). */
const CAFFE: Preprocessing = { inputRange: [0, 255], mean: [103.939, 116.779, 123.68], channelOrder: 'bgr' }
const CAFFE_OUT = join(ONNX_FIXTURES, 'prep_caffe_cifar.onnx')

describe('model preprocessing (range, mean/std, channel order) inside the forward pass', () => {
  const ref = fixtureBatch('prep_caffe_cifar')
  const n = ref.labels.length
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hfc-prep-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('TF.js: a net with its normalisation folded out, given the preprocessing, gives PyTorch logits and input gradients', async () => {
    const model = await openModel(CAFFE_OUT, CAFFE)
    try {
      expect(model.info.inputRange).toEqual([0, 255])
      expect(model.info.preprocessing).toMatchObject({
        mean: CAFFE.mean,
        std: [1, 1, 1],
        channelOrder: 'bgr',
        layout: 'nchw',
        layoutSource: 'detected',
        normalizationSource: 'option',
      })
      const logits = tf.tidy(() =>
        model.logits(tf.tensor4d(ref.images.data, ref.images.shape as [number, number, number, number])).dataSync(),
      )
      expect(maxAbsDiff(logits, ref.logits.data) / maxAbs(ref.logits.data)).toBeLessThan(1e-4)
      const grad = tfInputGradient((x) => model.logits(x), ref.images, ref.labels)
      expect(maxAbsDiff(grad, ref.grad.data) / maxAbs(ref.grad.data)).toBeLessThan(1e-3)
    } finally {
      model.dispose()
    }
  })

  it('onnxruntime: the same preprocessing is part of the graph and of its input gradient', async () => {
    const model = await openModel(CAFFE_OUT, CAFFE)
    const scorer = await createOrtClassifier(model)
    try {
      expect(maxAbsDiff(await scorer.scoreBatch(ref.images.data, n), ref.logits.data) / maxAbs(ref.logits.data)).toBeLessThan(1e-4)
      const g = await scorer.inputGradient!(ref.images.data, ref.labels)
      expect(maxAbsDiff(g.grad, ref.grad.data) / maxAbs(ref.grad.data)).toBeLessThan(1e-3)
    } finally {
      await scorer.dispose()
      model.dispose()
    }
  })

  it('folded out with the preprocessing given equals folded in without it; without it the logits are wrong', async () => {
    const folded = await openModel(join(ONNX_FIXTURES, 'prep_caffe_cifar_in.onnx'))
    const bare = await openModel(CAFFE_OUT)
    try {
      const x = tf.tensor4d(ref.images.data, ref.images.shape as [number, number, number, number])
      const inGraph = tf.tidy(() => folded.logits(x).dataSync())
      const withoutPre = tf.tidy(() => bare.logits(x).dataSync())
      x.dispose()
      expect(maxAbsDiff(inGraph, ref.logits.data) / maxAbs(ref.logits.data)).toBeLessThan(1e-4)
      expect(maxAbsDiff(withoutPre, ref.logits.data) / maxAbs(ref.logits.data)).toBeGreaterThan(0.1)
      expect(bare.info.inputRangeSource).toBe('assumed')
    } finally {
      folded.dispose()
      bare.dispose()
    }
  })

  it('reads the sidecar <model>.hfc.json; the caller overrides it value by value', async () => {
    const path = join(dir, 'caffe.onnx')
    copyFileSync(CAFFE_OUT, path)
    writeFileSync(`${path}.hfc.json`, JSON.stringify({ preprocessing: CAFFE }))
    const fromSidecar = await openModel(path)
    const overridden = await openModel(path, { mean: [0] })
    try {
      expect(fromSidecar.info.inputRangeSource).toBe('sidecar')
      expect(fromSidecar.info.preprocessing).toMatchObject({
        mean: CAFFE.mean,
        channelOrder: 'bgr',
        normalizationSource: 'sidecar',
        sidecar: `${path}.hfc.json`,
      })
      const logits = tf.tidy(() =>
        fromSidecar.logits(tf.tensor4d(ref.images.data, ref.images.shape as [number, number, number, number])).dataSync(),
      )
      expect(maxAbsDiff(logits, ref.logits.data) / maxAbs(ref.logits.data)).toBeLessThan(1e-4)
      // One mean value stands for every channel; the range and channel order still come from the sidecar.
      expect(overridden.info.preprocessing).toMatchObject({ mean: [0, 0, 0], normalizationSource: 'option', channelOrder: 'bgr' })
      expect(overridden.info.inputRange).toEqual([0, 255])
    } finally {
      fromSidecar.dispose()
      overridden.dispose()
    }
  })

  it('an exported model records its preprocessing, and reopens with it', async () => {
    const model = await openModel(CAFFE_OUT, CAFFE)
    const path = join(dir, 'exported.onnx')
    try {
      const p = model.info.preprocessing!
      writeFileSync(
        path,
        exportOnnx(model.model!, {
          inputRange: model.info.inputRange,
          preprocessing: { mean: p.mean, std: p.std, channelOrder: p.channelOrder },
        }),
      )
    } finally {
      model.dispose()
    }
    const reopened = await openModel(path)
    try {
      expect(reopened.info).toMatchObject({ inputRange: [0, 255], inputRangeSource: 'metadata' })
      expect(reopened.info.preprocessing).toMatchObject({
        mean: CAFFE.mean,
        normalizationSource: 'metadata',
        channelOrder: 'bgr',
        channelOrderSource: 'metadata',
      })
      const logits = tf.tidy(() =>
        reopened.logits(tf.tensor4d(ref.images.data, ref.images.shape as [number, number, number, number])).dataSync(),
      )
      expect(maxAbsDiff(logits, ref.logits.data) / maxAbs(ref.logits.data)).toBeLessThan(1e-4)
    } finally {
      reopened.dispose()
    }
  })

  it('sidecarOf remembers what was stated, not what was assumed, and the sidecar it writes reopens the same model', async () => {
    const model = await openModel(CAFFE_OUT, CAFFE)
    const info = {
      inputRange: model.info.inputRange,
      inputRangeSource: model.info.inputRangeSource!,
      preprocessing: model.info.preprocessing!,
    }
    model.dispose()
    const sidecar = sidecarOf(info)
    expect(sidecar).toEqual({ preprocessing: { inputRange: [0, 255], mean: CAFFE.mean, std: [1, 1, 1], channelOrder: 'bgr' } })
    const path = join(dir, 'remembered.onnx')
    copyFileSync(CAFFE_OUT, path)
    writeFileSync(`${path}.hfc.json`, JSON.stringify(sidecar))
    const reopened = await openModel(path)
    try {
      const logits = tf.tidy(() =>
        reopened.logits(tf.tensor4d(ref.images.data, ref.images.shape as [number, number, number, number])).dataSync(),
      )
      expect(maxAbsDiff(logits, ref.logits.data) / maxAbs(ref.logits.data)).toBeLessThan(1e-4)
    } finally {
      reopened.dispose()
    }
  })

  it.each([
    ['not JSON', '{"preprocessing": '],
    ['an unknown field', JSON.stringify({ preprocessing: { scale: 2 } })],
    ['a zero std', JSON.stringify({ preprocessing: { std: [0.2, 0, 0.2] } })],
    ['a reversed range', JSON.stringify({ preprocessing: { inputRange: [255, 0] } })],
  ])('a sidecar with %s is MODEL_BAD_SIDECAR', async (_what, text) => {
    const path = join(dir, 'bad.onnx')
    copyFileSync(CAFFE_OUT, path)
    writeFileSync(`${path}.hfc.json`, text)
    const error = await labErrorOf(openModel(path))
    expect(error.code).toBe('MODEL_BAD_SIDECAR')
    expect(error.message).toContain('bad.onnx.hfc.json')
  })

  it('refuses a mean of the wrong length, BGR on a gray model and a layout the format cannot take', async () => {
    expect((await labErrorOf(openModel(CAFFE_OUT, { mean: [1, 2] }))).code).toBe('MODEL_BAD_PREPROCESSING')
    const mnist = join(ONNX_FIXTURES, 'mnist_norm_trained.onnx')
    expect((await labErrorOf(openModel(mnist, { channelOrder: 'bgr' }))).code).toBe('MODEL_BAD_PREPROCESSING')
    // A TF.js Layers model is NHWC by construction.
    expect((await labErrorOf(openDefaultModel('mnist', { layout: 'nchw' }))).code).toBe('MODEL_BAD_PREPROCESSING')
  })
})

describe('a PyTorch MNIST net trained with Normalize(0.1307, 0.3081) outside its graph', () => {
  const path = join(ONNX_FIXTURES, 'mnist_norm_trained.onnx')
  const expected = readNpy(join(ONNX_FIXTURES, 'mnist_norm_trained_pred.npy')).data

  it("with --mean/--std predicts PyTorch's classes on the first 500 embedded MNIST test images", async () => {
    const model = await openModel(path, { mean: [0.1307], std: [0.3081] })
    const data = await openDefaultDataset('mnist')
    try {
      const indices = Array.from({ length: expected.length }, (_, i) => i)
      const images = await data.read(indices)
      const predicted = tf.tidy(() => tf.argMax(model.logits(tf.tensor4d(images, [indices.length, 28, 28, 1])), 1).dataSync())
      let same = 0
      predicted.forEach((p, i) => (same += p === expected[i] ? 1 : 0))
      expect(same).toBe(expected.length)
    } finally {
      model.dispose()
      await data.close?.()
    }
  })

  it('the evaluation states the preprocessing and gives no warning', async () => {
    const host = await EngineHost.start({ backend: 'wasm', workers: 1 })
    try {
      const { id: datasetId } = await host.call('data.open', { defaultId: 'mnist' })
      const right = await host.call('model.open', { path, preprocessing: { mean: [0.1307], std: [0.3081] } })
      const good = await host.call('model.evaluate', { modelId: right.id, datasetId, limit: 200 })
      expect(good.accuracy).toBeGreaterThan(0.9)
      expect(good.warning).toBeUndefined()
      expect(good.preprocessing).toBe('range 0..1, mean 0.1307, std 0.3081, NCHW')
      // A model trained on raw 0-255 pixels, opened as [0, 1] (nothing says otherwise): chance, and the guard says why.
      const raw = join(ONNX_FIXTURES, 'mnist_raw255_trained.onnx')
      const assumed = await host.call('model.open', { path: raw })
      const bad = await host.call('model.evaluate', { modelId: assumed.id, datasetId, limit: 200 })
      expect(bad.accuracy).toBeLessThan(0.2)
      expect(bad.warning).toMatch(/near chance \(10\.0 %\) and the input range was assumed.*--input-range 0,255/)
      const fixed = await host.call('model.open', { path: raw, preprocessing: { inputRange: [0, 255] } })
      const better = await host.call('model.evaluate', { modelId: fixed.id, datasetId, limit: 200 })
      expect(better.accuracy).toBeGreaterThan(0.85)
      expect(better.warning).toBeUndefined()
    } finally {
      await host.close()
    }
  })
})

describe('the same net on the first 2,000 official MNIST test images', () => {
  // PyTorch's predictions with its author's Normalize(0.1307, 0.3081), from the weights in the ONNX file:
  // scripts/reference/mnist_normalize_reference.py (92.20 % there; 90.85 % without Normalize).
  const expected = readNpy(join(ONNX_FIXTURES, 'mnist_norm_trained_pred2000.npy')).data

  itWithData(
    "eval with --mean/--std scores what PyTorch scores (within 0.2 points), with PyTorch's confusion matrix",
    async () => {
      const host = await EngineHost.start({ backend: 'wasm', workers: 1 })
      try {
        const { id: datasetId } = await host.call('data.open', { path: join(SHARED_DATA, 'mnist') })
        // The IDX label file: an 8-byte header, then one byte per image.
        const labels = gunzipSync(readFileSync(join(SHARED_DATA, 'mnist', 't10k-labels-idx1-ubyte.gz'))).subarray(8, 8 + expected.length)
        const pytorchConfusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0))
        let pytorchRight = 0
        expected.forEach((p, i) => {
          pytorchRight += p === labels[i] ? 1 : 0
          pytorchConfusion[labels[i]][p]++
        })
        const path = join(ONNX_FIXTURES, 'mnist_norm_trained.onnx')
        const { id: modelId } = await host.call('model.open', { path, preprocessing: { mean: [0.1307], std: [0.3081] } })
        const result = await host.call('model.evaluate', { modelId, datasetId, limit: expected.length })
        expect(result.n).toBe(expected.length)
        expect(Math.abs(result.accuracy * 100 - (pytorchRight / expected.length) * 100)).toBeLessThanOrEqual(0.2)
        // Stronger than the accuracy: the same (true, predicted) counts in every cell.
        expect(result.confusion).toEqual(pytorchConfusion)
        expect(result.warning).toBeUndefined()
      } finally {
        await host.close()
      }
    },
    120_000,
  )
})

describe('accuracyWarning', () => {
  it('flags near-chance accuracy and an assumed range, and needs enough images to judge', () => {
    expect(accuracyWarning(0.229, 2000, 10, false)).toMatch(/near chance \(10\.0 %\)/)
    expect(accuracyWarning(0.6, 2000, 10, false)).toBeUndefined()
    expect(accuracyWarning(0.1, 10, 10, false)).toBeUndefined()
    expect(accuracyWarning(0.9, 100, 10, true)).toMatch(/assumed/)
    expect(accuracyWarning(0.5, 100, 2, false)).toMatch(/near chance/)
  })
})
