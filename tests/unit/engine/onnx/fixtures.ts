import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { elementCount, parseNpyHeader } from '../../../../src-main/engine/data/npy-format'
import { REPO } from '../../paths'

/** tests/fixtures/onnx, written by scripts/make-onnx-fixtures.py (PyTorch 1.13, opset 13). */
export const ONNX_FIXTURES = join(REPO, 'tests', 'fixtures', 'onnx')

export interface Npy {
  shape: number[]
  data: Float32Array
}

export function readNpy(path: string): Npy {
  const bytes = new Uint8Array(readFileSync(path))
  const header = parseNpyHeader(path, bytes)
  const body = bytes.subarray(header.dataOffset)
  const count = elementCount(header.shape)
  if (header.type === 'u1') return { shape: header.shape, data: Float32Array.from(body.subarray(0, count)) }
  if (header.type === 'f4') return { shape: header.shape, data: new Float32Array(body.slice(0, count * 4).buffer) }
  throw new Error(`unexpected npy type ${header.type}`)
}

/** A fixture model's reference batch: NHWC [0, 1] images (real MNIST / CIFAR-10), labels, PyTorch's logits and input gradient. */
export function fixtureBatch(name: string): { images: Npy; labels: number[]; logits: Npy; grad: Npy } {
  const at = (part: string) => readNpy(join(ONNX_FIXTURES, `${name}_${part}.npy`))
  return { images: at('input'), labels: Array.from(at('labels').data), logits: at('logits'), grad: at('grad') }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]))
  return m
}

/** d(sum of cross-entropies)/d(images) through a classifier, by TF.js autodiff. */
export function tfInputGradient(logits: (x: tf.Tensor4D) => tf.Tensor2D, images: Npy, labels: number[]): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(images.data, images.shape as [number, number, number, number])
    const f = (t: tf.Tensor) => {
      const z = logits(t as tf.Tensor4D)
      const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), z.shape[1])
      return tf.neg(tf.sum(tf.mul(tf.logSoftmax(z), oneHot)))
    }
    return tf.grad(f)(x).dataSync() as Float32Array
  })
}
