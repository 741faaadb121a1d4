import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAttack, type AttackResult } from '../../../../src-main/engine/attacks'
import { MARGIN_TAU } from '../../../../src-main/engine/attacks/margin'
import { openDefaultDataset } from '../../../../src-main/engine/data'
import { gradientsOf } from '../../../../src-main/engine/attacks/model-gradients'
import { attachEngine } from '../../../../src-main/engine/compute/forward'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import { type LoadedModel } from '../../../../src-main/engine/models'
import { openDefaultModel } from '../../../../src-main/engine/loaders'

/**
 * Every attack gives the same result on every engine: TF.js cpu (the reference semantics), TF.js
 * wasm (the default) and onnxruntime, on the embedded MNIST model and the first embedded MNIST
 * test images. Same successes, distances within 1e-4, margins within 1e-4. The settings keep each
 * attack's algorithm and cut its iterations; the cpu backend, some 20 times slower than wasm on
 * this CNN, runs the first CPU_N images (per-sample results do not depend on the batch).
 */
const N = 20
const CPU_N = 4
const TOLERANCE = 1e-4

const ATTACKS: [string, Record<string, unknown>][] = [
  ['hf', { rMin: 1 }],
  ['fgsm', { epsilons: 50 }],
  ['pgd', { steps: 3 }],
  ['deepfool', { subsample: 3 }],
  ['cw', { binarySearchSteps: 1, maxIterations: 10, initialConst: 1, learningRate: 0.1 }],
  ['single-pixel', { maxPixels: 30 }],
  ['salt-pepper', { repetitions: 1, epsilons: 20 }],
]

type Engine = 'cpu' | 'wasm' | 'onnxruntime'
const models: Partial<Record<Engine, LoadedModel>> = {}
let images: Float32Array
let labels: Int32Array

beforeAll(async () => {
  const data = await openDefaultDataset('mnist')
  const indices = Array.from({ length: N }, (_, i) => i)
  images = await data.read(indices)
  labels = Int32Array.from(data.labels().subarray(0, N))
  await data.close?.()
  await tf.setBackend('cpu')
  models.cpu = await openDefaultModel('mnist')
  await tf.setBackend('wasm')
  models.wasm = await openDefaultModel('mnist')
  models.onnxruntime = await openDefaultModel('mnist')
  await attachEngine('onnxruntime', models.onnxruntime, { threads: 1 })
})

afterAll(async () => {
  await tf.setBackend('wasm')
  for (const m of Object.values(models)) m?.dispose()
})

async function runOn(engine: Engine, id: string, params: Record<string, unknown>, count: number): Promise<AttackResult> {
  await tf.setBackend(engine === 'cpu' ? 'cpu' : 'wasm')
  const x = tf.tensor4d(images.subarray(0, count * 784), [count, 28, 28, 1])
  try {
    return await runAttack(id, models[engine] as LoadedModel, x, labels.subarray(0, count), params, silentContext())
  } finally {
    x.dispose()
    await tf.setBackend('wasm')
  }
}

/** Per sample of the first `count`: success, L2, L∞ and margin of `a` against the reference `b`. */
function expectSame(a: AttackResult, b: AttackResult, count: number): void {
  expect(Array.from(a.success.subarray(0, count))).toEqual(Array.from(b.success.subarray(0, count)))
  const off = (x: Float32Array, y: Float32Array) =>
    Array.from({ length: count }, (_, i) => i).filter((i) => !(Math.abs(x[i] - y[i]) <= TOLERANCE))
  expect(off(a.distanceL2, b.distanceL2)).toEqual([])
  expect(off(a.distanceLinf, b.distanceLinf)).toEqual([])
  expect(off(a.margin, b.margin)).toEqual([])
}

it('the engines are the ones named, and their cross-entropy gradients agree in sign on every pixel', async () => {
  expect(gradientsOf(models.cpu as LoadedModel).engine).toBe('tfjs')
  expect(gradientsOf(models.wasm as LoadedModel).engine).toBe('tfjs')
  expect(gradientsOf(models.onnxruntime as LoadedModel).engine).toBe('onnxruntime')
  // FGSM and L∞ PGD step along these signs; confident digits have gradients below 1e-7.
  const signs: Record<string, number[]> = {}
  for (const engine of ['cpu', 'wasm', 'onnxruntime'] as Engine[]) {
    await tf.setBackend(engine === 'cpu' ? 'cpu' : 'wasm')
    const x = tf.tensor4d(images.subarray(0, CPU_N * 784), [CPU_N, 28, 28, 1])
    const y = tf.tensor1d(labels.subarray(0, CPU_N), 'int32')
    const g = await gradientsOf(models[engine] as LoadedModel).crossEntropy(x, y)
    signs[engine] = Array.from(tf.tidy(() => tf.sign(g)).dataSync())
    tf.dispose([x, y, g])
  }
  await tf.setBackend('wasm')
  expect(signs.cpu.filter((s) => s === 0).length).toBe(0)
  expect(signs.wasm).toEqual(signs.cpu)
  expect(signs.onnxruntime).toEqual(signs.cpu)
})

describe.each(ATTACKS)('%s gives the same adversarials on every engine', (id, params) => {
  const results: Partial<Record<Engine, AttackResult>> = {}

  it('finds adversarials on TF.js wasm, each past the margin rule', async () => {
    const r = (results.wasm = await runOn('wasm', id, params, N))
    expect(r.success.some((s) => s === 1)).toBe(true)
    for (let i = 0; i < N; i++) {
      if (r.success[i]) expect(r.margin[i]).toBeLessThan(-MARGIN_TAU)
      else expect(r.distanceL2[i]).toBe(0)
    }
  })

  it('onnxruntime agrees with TF.js wasm', async () => {
    results.onnxruntime = await runOn('onnxruntime', id, params, N)
    expectSame(results.onnxruntime, results.wasm as AttackResult, N)
  })

  it('TF.js wasm agrees with TF.js cpu', { timeout: 900_000 }, async () => {
    results.cpu = await runOn('cpu', id, params, CPU_N)
    expectSame(results.wasm as AttackResult, results.cpu, CPU_N)
  })
})
