import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAttack, type AttackResult } from '../../../../src-main/engine/attacks'
import { gradientsOf } from '../../../../src-main/engine/attacks/model-gradients'
import { assignmentOf, attachEngine, engineOf, prepareGradients } from '../../../../src-main/engine/compute/forward'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import { type LoadedModel } from '../../../../src-main/engine/models'
import { openDefaultModel } from '../../../../src-main/engine/loaders'
import { withD1 } from '../../../../src-main/engine/eval'
import { mnistTestBatch } from './mnist-classifier'

// The same default MNIST model opened twice: one runs on TF.js only, the other on onnxruntime.
let tfjsModel: LoadedModel
let ortModel: LoadedModel
let images: tf.Tensor4D
let labels: Int32Array
const N = 8

beforeAll(async () => {
  tfjsModel = await openDefaultModel('mnist')
  ortModel = await openDefaultModel('mnist')
  await attachEngine('onnxruntime', ortModel, { threads: 1 })
  ;({ images, labels } = mnistTestBatch(N, 40))
})

afterAll(() => {
  images.dispose()
  tfjsModel.dispose()
  ortModel.dispose()
})

function maxRelativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0
  let scale = 0
  for (let k = 0; k < a.length; k++) {
    diff = Math.max(diff, Math.abs(a[k] - b[k]))
    scale = Math.max(scale, Math.abs(b[k]))
  }
  return diff / scale
}

it('a forced onnxruntime engine runs both the forward passes and the input gradients', () => {
  expect(assignmentOf(ortModel)).toMatchObject({ forward: 'onnxruntime', gradient: 'onnxruntime' })
  expect(engineOf(ortModel)?.forwardScorer).toBeDefined()
  expect(engineOf(ortModel)?.gradientScorer).toBeDefined()
  expect(gradientsOf(ortModel).engine).toBe('onnxruntime')
  expect(gradientsOf(tfjsModel).engine).toBe('tfjs')
})

it('onnxruntime’s cross-entropy gradient and vector-Jacobian product match TF.js autodiff (1e-3 relative)', async () => {
  const y = tf.tensor1d(labels, 'int32')
  const [ours, reference] = await Promise.all([
    gradientsOf(ortModel).crossEntropy(images, y),
    gradientsOf(tfjsModel).crossEntropy(images, y),
  ])
  expect(maxRelativeDiff(ours.dataSync(), reference.dataSync())).toBeLessThan(1e-3)
  const weights = tf.randomNormal([N, 10], 0, 1, 'float32', 3) as tf.Tensor2D
  const a = await gradientsOf(ortModel).weightedLogits(images, weights)
  const b = await gradientsOf(tfjsModel).weightedLogits(images, weights)
  expect(maxRelativeDiff(a.grad.dataSync(), b.grad.dataSync())).toBeLessThan(1e-3)
  expect(maxRelativeDiff(a.logits.dataSync(), b.logits.dataSync())).toBeLessThan(1e-4)
  // Weights computed from the logits are held constant: ∇ Σ softmax(z)·z ≠ its full derivative.
  const c = await gradientsOf(ortModel).weightedLogits(images, (z) => tf.softmax(z))
  const d = await gradientsOf(tfjsModel).weightedLogits(images, (z) => tf.softmax(z))
  expect(maxRelativeDiff(c.grad.dataSync(), d.grad.dataSync())).toBeLessThan(1e-3)
  tf.dispose([y, ours, reference, weights, a.grad, a.logits, b.grad, b.logits, c.grad, c.logits, d.grad, d.logits])
})

it('D1 built into onnxruntime’s graph gives the adaptive gradient through the low pass', async () => {
  const base = await openDefaultModel('mnist')
  const defended = withD1(base, 6)
  await attachEngine('onnxruntime', defended, { source: base, lowPass: { radius: 6 }, threads: 1 })
  const y = tf.tensor1d(labels, 'int32')
  const ours = await gradientsOf(defended).crossEntropy(images, y)
  const reference = await gradientsOf(withD1(tfjsModel, 6)).crossEntropy(images, y)
  expect(gradientsOf(defended).engine).toBe('onnxruntime')
  expect(maxRelativeDiff(ours.dataSync(), reference.dataSync())).toBeLessThan(1e-3)
  tf.dispose([y, ours, reference])
  base.dispose()
})

describe('gradient attacks on onnxruntime agree with the same attacks on TF.js', () => {
  const run = (id: string, params: Record<string, unknown>) =>
    Promise.all([
      runAttack(id, ortModel, images, labels, params, silentContext()),
      runAttack(id, tfjsModel, images, labels, params, silentContext()),
    ])
  const agree = (a: AttackResult, b: AttackResult, tolerance: number) => {
    expect(Array.from(a.success)).toEqual(Array.from(b.success))
    for (let i = 0; i < N; i++)
      if (b.success[i]) expect(Math.abs(a.distanceL2[i] - b.distanceL2[i])).toBeLessThan(tolerance * Math.max(b.distanceL2[i], 1e-3))
  }

  it('FGSM', async () => {
    const [a, b] = await run('fgsm', {})
    expect(b.success.some((s) => s === 1)).toBe(true)
    agree(a, b, 1e-2)
  })

  it('PGD (L2, no random start)', async () => {
    const [a, b] = await run('pgd', { norm: 'l2', epsilons: [1.5], steps: 10, randomStart: false })
    agree(a, b, 1e-2)
  })

  it('DeepFool', async () => {
    // DeepFool takes 10-30 steps on this model and picks the nearest linearised boundary at each:
    // float differences between the engines change the path of a few samples, not the outcome.
    const [a, b] = await run('deepfool', { steps: 50 })
    expect(Array.from(a.success)).toEqual(Array.from(b.success))
    const hits = Array.from({ length: N }, (_, i) => i).filter((i) => b.success[i])
    expect(hits.length).toBeGreaterThan(N / 2)
    const close = hits.filter((i) => Math.abs(a.distanceL2[i] - b.distanceL2[i]) < 1e-2 * b.distanceL2[i])
    expect(close.length).toBeGreaterThanOrEqual(hits.length / 2)
    const mean = (r: AttackResult) => hits.reduce((sum, i) => sum + r.distanceL2[i], 0) / hits.length
    expect(Math.abs(mean(a) - mean(b))).toBeLessThan(0.25 * mean(b))
  })

  it('C&W L2', async () => {
    const [a, b] = await run('cw', { binarySearchSteps: 2, maxIterations: 30, learningRate: 0.05, initialConst: 1 })
    expect(b.success.some((s) => s === 1)).toBe(true)
    agree(a, b, 2e-2)
  })
})

it('the auto engine measures both engines per model, records why it chose each, and remembers the choice', async () => {
  const previous = process.env.HFC_CACHE_DIR
  process.env.HFC_CACHE_DIR = mkdtempSync(join(tmpdir(), 'hfc-choices-'))
  try {
    const model = await openDefaultModel('mnist')
    const { assignment } = (await attachEngine('auto', model, { threads: 1 })).engine
    // The gradient engine is decided by the first job that needs gradients (forward.test.ts).
    await prepareGradients(model)
    expect(assignment.reason).toMatch(
      /^measured: forward of 32: onnxruntime [\d.]+ ms, TF\.js [\d.]+ ms; (input gradient of 8: onnxruntime [\d.]+ ms, TF\.js [\d.]+ ms|gradients on onnxruntime \(its forward pass measured faster\))$/,
    )
    expect(['tfjs', 'onnxruntime']).toContain(assignment.forward)
    expect(engineOf(model)?.forwardScorer !== undefined).toBe(assignment.forward === 'onnxruntime')
    expect(gradientsOf(model).engine).toBe(assignment.gradient)
    const again = await openDefaultModel('mnist')
    const remembered = (await attachEngine('auto', again, { threads: 1 })).engine.assignment
    expect(remembered).toMatchObject({ forward: assignment.forward, gradient: assignment.gradient })
    expect(remembered.reason).toBe(`${assignment.reason} (remembered from an earlier run on this machine)`)
    model.dispose()
    again.dispose()
  } finally {
    if (previous === undefined) delete process.env.HFC_CACHE_DIR
    else process.env.HFC_CACHE_DIR = previous
  }
})
