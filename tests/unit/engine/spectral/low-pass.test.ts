import * as tf from '@tensorflow/tfjs-core'
// The losses below differentiate stock ops (sum, mul, square), whose gradients tfjs-layers normally registers.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { describe, expect, it } from 'vitest'
import { decompose, halfDiagonal, lowPass, lowPassPlane, type MaskOptions } from '../../../../src-main/engine/spectral'
import { mapChunks } from '../../../../src-main/engine/spectral/chunks'
import { mnistImages, plane, sampleImage } from './real-images'
import { itWithData } from '../../needs-data'

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

/** Max deviation of a tensor-path result from the float64 reference, over every channel plane. */
function deviationFromReference(pixels: Float32Array, shape: [number, number, number, number], r: number, options?: MaskOptions): number {
  const [n, h, w, c] = shape
  const images = tf.tensor4d(pixels, shape)
  const { low, high } = decompose(images, r, options)
  const lowValues = low.dataSync()
  const highValues = high.dataSync()
  tf.dispose([images, low, high])
  let worst = 0
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const ref = lowPassPlane(plane(pixels, i, h, w, c, ch), h, w, r, options)
      for (let k = 0; k < h * w; k++) {
        const at = (i * h * w + k) * c + ch
        worst = Math.max(worst, Math.abs(lowValues[at] - ref.low[k]), Math.abs(highValues[at] - ref.high[k]))
      }
    }
  }
  return worst
}

describe('lowPass / decompose (tensor path on wasm)', () => {
  const digits = mnistImages(16)

  it('runs on the wasm backend, which has no FFT or complex kernels', () => {
    expect(tf.getBackend()).toBe('wasm')
  })

  it('matches the float64 reference to 1e-5 on MNIST digits at the D1 presets', () => {
    for (const r of [1, 4, 8, 12, 19]) expect(deviationFromReference(digits, [16, 28, 28, 1], r)).toBeLessThan(1e-5)
    expect(deviationFromReference(digits, [16, 28, 28, 1], 0, { rule: 'inclusive' })).toBeLessThan(1e-5)
    expect(deviationFromReference(digits, [16, 28, 28, 1], 8, { rule: 'inclusive' })).toBeLessThan(1e-5)
  })

  itWithData('matches the reference on RGB CIFAR-10 images and on an odd 227x227 ImageNet image', async () => {
    const a = await sampleImage('cifar10_02_8.png')
    const b = await sampleImage('cifar10_03_0.png')
    const pair = new Float32Array([...a.pixels, ...b.pixels])
    for (const r of [8, 12, 16]) expect(deviationFromReference(pair, [2, 32, 32, 3], r)).toBeLessThan(1e-5)
    const big = await sampleImage('imagenet_00_243.jpg', 227)
    expect(deviationFromReference(big.pixels, [1, 227, 227, 3], 56)).toBeLessThan(1e-5)
  })

  it('matches the reference for square and gaussian masks and for non-square images', () => {
    const strips = digits.slice(0, 4 * 28 * 28)
    expect(deviationFromReference(strips, [4, 14, 56, 1], 5, { kind: 'square' })).toBeLessThan(1e-5)
    expect(deviationFromReference(strips, [4, 56, 14, 1], 3, { kind: 'gaussian' })).toBeLessThan(1e-5)
    expect(deviationFromReference(strips, [4, 28, 28, 1], 6, { kind: 'circle', rule: 'inclusive' })).toBeLessThan(1e-5)
  })

  it('gives parts that sum to the input (1e-5), the mean image at strict r = 1, and x_h = 0 above the half-diagonal', () => {
    const images = tf.tensor4d(digits, [16, 28, 28, 1])
    const { low, high } = decompose(images, 8)
    expect(maxDiff(tf.add(low, high).dataSync(), digits)).toBeLessThan(1e-5)
    const dc = decompose(images, 1).low
    const means = tf.mean(images, [1, 2], true)
    expect(maxDiff(dc.dataSync(), tf.broadcastTo(means, [16, 28, 28, 1]).dataSync())).toBeLessThan(1e-6)
    const all = decompose(images, halfDiagonal(28, 28) + 0.5)
    expect(Math.max(...all.high.dataSync().map(Math.abs))).toBe(0)
    tf.dispose([images, low, high, dc, means, all.low, all.high])
  })

  it('passes gradients: tf.grad of <lowPass(x), g> equals lowPass(g) from the float64 reference', () => {
    const x = tf.tensor4d(digits.slice(0, 4 * 784), [4, 28, 28, 1])
    const weights = digits.slice(4 * 784, 8 * 784)
    const g = tf.tensor4d(weights, [4, 28, 28, 1])
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(lowPass(input as tf.Tensor4D, 6), g)))(x)
    const values = grad.dataSync()
    let worst = 0
    for (let i = 0; i < 4; i++) {
      const expected = lowPassPlane(plane(weights, i, 28, 28, 1, 0), 28, 28, 6).low
      for (let k = 0; k < 784; k++) worst = Math.max(worst, Math.abs(values[i * 784 + k] - expected[k]))
    }
    expect(worst).toBeLessThan(1e-5)
    tf.dispose([x, g, grad])
  })

  it('agrees with a central finite difference of the loss through decompose', () => {
    const x = tf.tensor4d(digits.slice(0, 784), [1, 28, 28, 1])
    const target = tf.tensor4d(digits.slice(784, 2 * 784), [1, 28, 28, 1])
    const loss = (input: tf.Tensor) => tf.sum(tf.square(tf.sub(decompose(input as tf.Tensor4D, 5).high, target)))
    const grad = tf.grad(loss)(x).dataSync()
    const base = digits.slice(0, 784)
    // The loss is quadratic, so a large step is exact and keeps float32 rounding of the loss small.
    const eps = 0.25
    for (const k of [0, 200, 405, 783]) {
      const plus = base.slice()
      const minus = base.slice()
      plus[k] += eps
      minus[k] -= eps
      const lp = loss(tf.tensor4d(plus, [1, 28, 28, 1])).dataSync()[0]
      const lm = loss(tf.tensor4d(minus, [1, 28, 28, 1])).dataSync()[0]
      expect(Math.abs((lp - lm) / (2 * eps) - grad[k])).toBeLessThan(2e-3)
    }
  })

  it('leaves no tensors behind', () => {
    const images = tf.tensor4d(digits, [16, 28, 28, 1])
    tf.dispose(Object.values(decompose(images, 7)))
    const before = tf.memory().numTensors
    tf.dispose(Object.values(decompose(images, 7)))
    tf.dispose(tf.grad((x: tf.Tensor) => tf.sum(lowPass(x as tf.Tensor4D, 7)))(images))
    expect(tf.memory().numTensors).toBe(before)
    images.dispose()
  })

  it('splits large batches into chunks without changing the result', () => {
    const images = tf.tensor4d(digits, [16, 28, 28, 1])
    const whole = lowPass(images, 9)
    const chunked = mapChunks(images, (chunk) => lowPass(chunk, 9), { singlePass: 0, chunk: 5 * 784 })
    expect(chunked.shape).toEqual([16, 28, 28, 1])
    expect(maxDiff(chunked.dataSync(), whole.dataSync())).toBe(0)
    tf.dispose([images, whole, chunked])
  })
})
