import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, expect, it } from 'vitest'
import { runAttack, type AttackResult } from '../../../../src-main/engine/attacks'
import { crossEntropyGradient } from '../../../../src-main/engine/compute/cross-entropy'
import { isAdversarial, logitMargins, MARGIN_TAU } from '../../../../src-main/engine/attacks/margin'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import type { Classifier } from '../../../../src-main/engine/models/classifier'
import { mnistTestBatch, trainedMnistClassifier } from './mnist-classifier'
import { expectValidResult, median } from './result-invariants'
import { describeWithData, itWithData } from '../../needs-data'

const N = 16

let model: Classifier
let images: tf.Tensor4D
let labels: Int32Array
/** sign(∇ₓ CE) of the attacks' loss, checked against TF.js's own softmax cross-entropy below. */
let gradientSign: Float32Array
let clean: Float32Array
/** Samples the model already gets wrong (past the margin rule): attacks return them unchanged at distance 0. */
let cleanWrong: Uint8Array

beforeAll(async () => {
  model = await trainedMnistClassifier()
  ;({ images, labels } = mnistTestBatch(N, 100))
  clean = images.dataSync() as Float32Array
  gradientSign = tf.tidy(() => tf.sign(crossEntropyGradient(model, images, tf.tensor1d(labels, 'int32'))).dataSync() as Float32Array)
  cleanWrong = await isAdversarial(model, images, labels)
})

itWithData('the attacks’ loss gradient is the gradient of TF.js’s softmax cross-entropy', () => {
  const [ours, reference] = tf.tidy(() => {
    const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), 10)
    const loss = (x: tf.Tensor) =>
      tf.losses.softmaxCrossEntropy(onehot, model.logits(x as tf.Tensor4D), undefined, undefined, tf.Reduction.SUM)
    return [crossEntropyGradient(model, images, tf.tensor1d(labels, 'int32')).dataSync(), tf.grad(loss)(images).dataSync()]
  })
  const scale = Math.max(...Array.from(reference, Math.abs))
  for (let k = 0; k < ours.length; k++) expect(Math.abs(ours[k] - reference[k])).toBeLessThan(1e-5 * scale)
})

/** Whether clip(x_i + ε·sign(g_i)) fools the model under the margin rule. */
function fgsmFools(i: number, epsilon: number): boolean {
  const x = new Float32Array(784)
  for (let k = 0; k < 784; k++) x[k] = Math.min(1, Math.max(0, clean[i * 784 + k] + epsilon * gradientSign[i * 784 + k]))
  const logits = tf.tidy(() => model.logits(tf.tensor4d(x, [1, 28, 28, 1])).dataSync())
  return logitMargins(logits, [labels[i]])[0] < -MARGIN_TAU
}

function successes(r: AttackResult): number {
  return r.success.reduce((a, b) => a + b, 0)
}

describeWithData('FGSM (Foolbox 1.8 GradientSignAttack)', () => {
  let scan: AttackResult
  beforeAll(async () => {
    scan = await runAttack('fgsm', model, images, labels, {}, silentContext())
  })

  it('returns re-checked adversarials in [0, 1] with measured distances, and misclassified samples unchanged', async () => {
    await expectValidResult(model, images, labels, scan)
    expect(successes(scan)).toBeGreaterThan(N / 2)
    expect(cleanWrong.some((w) => w === 1)).toBe(true)
    for (let i = 0; i < N; i++) {
      if (!cleanWrong[i]) continue
      expect(scan.success[i]).toBe(1)
      expect(scan.distanceLinf[i]).toBe(0)
      expect(scan.queries[i]).toBe(1)
    }
  })

  it('returns the first ε of the 1000-value scan that fools the model, as clip(x + ε·sign g)', () => {
    const eps = scan.extra?.epsilon as Float32Array
    for (let i = 0; i < N; i++) {
      if (!scan.success[i] || cleanWrong[i] || eps[i] <= 0.02) continue
      const k = Math.round(eps[i] * 1000)
      expect(eps[i]).toBeCloseTo(k / 1000, 6)
      expect(scan.queries[i]).toBe(2 + k)
      expect(scan.distanceLinf[i]).toBeLessThanOrEqual(eps[i] + 1e-6)
      expect(fgsmFools(i, k / 1000)).toBe(true)
      expect(fgsmFools(i, (k - 1) / 1000)).toBe(false)
      for (let q = 0; q < 784; q++) {
        const expected = Math.min(1, Math.max(0, clean[i * 784 + q] + (k / 1000) * gradientSign[i * 784 + q]))
        expect(scan.adversarial[i * 784 + q]).toBeCloseTo(expected, 6)
      }
    }
  })

  it('re-scans 20 finer values below a hit among the first 20 and keeps the smallest that fools', async () => {
    // With 10 coarse values every hit is among the first 20, so every success is re-scanned.
    const coarse = await runAttack('fgsm', model, images, labels, { epsilons: 10 }, silentContext())
    await expectValidResult(model, images, labels, coarse)
    const eps = coarse.extra?.epsilon as Float32Array
    expect(successes(coarse)).toBeGreaterThan(N / 2)
    for (let i = 0; i < N; i++) {
      if (!coarse.success[i] || cleanWrong[i]) continue
      const hit = Math.ceil(eps[i] * 10 - 1e-6) / 10
      const fine = Math.round((eps[i] / hit) * 20)
      expect(eps[i]).toBeCloseTo((hit * fine) / 20, 6)
      expect(coarse.queries[i]).toBe(2 + Math.round(hit * 10) + fine)
      expect(fgsmFools(i, (hit * fine) / 20)).toBe(true)
      if (fine > 1) expect(fgsmFools(i, (hit * (fine - 1)) / 20)).toBe(false)
    }
  })

  it('in fixed mode takes one step of exactly ε', async () => {
    const epsilon = 0.15
    const fixed = await runAttack('fgsm', model, images, labels, { mode: 'fixed', epsilon }, silentContext())
    await expectValidResult(model, images, labels, fixed)
    for (let i = 0; i < N; i++) {
      expect(fixed.distanceLinf[i]).toBeLessThanOrEqual(epsilon + 1e-6)
      expect(fixed.success[i] === 1).toBe(cleanWrong[i] === 1 || fgsmFools(i, epsilon))
      if (fixed.success[i] && !cleanWrong[i]) expect(fixed.distanceLinf[i]).toBeCloseTo(epsilon, 5)
    }
  })
})

describeWithData('PGD (Foolbox 3 defaults)', () => {
  it('keeps L∞ adversarials inside the ε-ball and fools at least as often as one FGSM step', async () => {
    const epsilon = 0.1
    const pgd = await runAttack('pgd', model, images, labels, { epsilons: [epsilon] }, silentContext())
    const fgsm = await runAttack('fgsm', model, images, labels, { mode: 'fixed', epsilon }, silentContext())
    await expectValidResult(model, images, labels, pgd)
    for (let i = 0; i < N; i++) expect(pgd.distanceLinf[i]).toBeLessThanOrEqual(epsilon + 1e-6)
    expect(successes(pgd)).toBeGreaterThanOrEqual(successes(fgsm))
    expect(Array.from(pgd.queries).every((q) => q === 1 || q === 1 + 40 + 1)).toBe(true)
  })

  it('keeps L2 adversarials inside the ε-ball and records the smallest budget that fooled', async () => {
    const budgets = [0.5, 1, 2]
    const pgd = await runAttack('pgd', model, images, labels, { norm: 'l2', epsilons: budgets, steps: 20 }, silentContext())
    await expectValidResult(model, images, labels, pgd)
    const used = pgd.extra?.epsilon as Float32Array
    for (let i = 0; i < N; i++) {
      if (!pgd.success[i] || cleanWrong[i]) continue
      expect(budgets.map(Math.fround)).toContain(used[i])
      expect(pgd.distanceL2[i]).toBeLessThanOrEqual(used[i] * (1 + 1e-5))
    }
    expect(successes(pgd)).toBeGreaterThan(N / 2)
  })

  it('starts from a seeded random point: same seed, same result; another seed, another start', async () => {
    const params = { epsilons: [0.05], steps: 3 }
    const a = await runAttack('pgd', model, images, labels, { ...params, seed: 7, randomStart: true }, silentContext())
    const b = await runAttack('pgd', model, images, labels, { ...params, seed: 7, randomStart: true }, silentContext())
    const c = await runAttack('pgd', model, images, labels, { ...params, seed: 8, randomStart: true }, silentContext())
    expect(Array.from(a.success)).toEqual(Array.from(b.success))
    expect(Array.from(a.adversarial)).toEqual(Array.from(b.adversarial))
    const fooledInBoth = Array.from(a.success).findIndex((s, i) => s === 1 && c.success[i] === 1)
    if (fooledInBoth >= 0) {
      const slice = (r: AttackResult) => Array.from(r.adversarial.subarray(fooledInBoth * 784, (fooledInBoth + 1) * 784))
      expect(slice(a)).not.toEqual(slice(c))
    }
  })
})

describeWithData('minimum-norm attacks', () => {
  it('DeepFool and Carlini-Wagner find smaller L2 perturbations than FGSM on the same samples', async () => {
    const fgsm = await runAttack('fgsm', model, images, labels, {}, silentContext())
    const deepfool = await runAttack('deepfool', model, images, labels, {}, silentContext())
    const cw = await runAttack('cw', model, images, labels, { maxIterations: 100, learningRate: 0.05 }, silentContext())
    for (const r of [deepfool, cw]) await expectValidResult(model, images, labels, r)
    const common = Array.from({ length: N }, (_, i) => i).filter((i) => fgsm.success[i] && deepfool.success[i] && cw.success[i])
    expect(common.length).toBeGreaterThan(N / 2)
    const l2 = (r: AttackResult) => median(common.map((i) => r.distanceL2[i]))
    expect(l2(deepfool)).toBeLessThan(l2(fgsm))
    expect(l2(cw)).toBeLessThan(l2(fgsm))
  })

  it('DeepFool stops at its first adversarial, within the step limit', async () => {
    const result = await runAttack('deepfool', model, images, labels, { steps: 50, subsample: 5 }, silentContext())
    await expectValidResult(model, images, labels, result)
    const steps = result.extra?.steps as Int32Array
    for (let i = 0; i < N; i++) if (result.success[i]) expect(steps[i]).toBeLessThanOrEqual(50)
  })

  it('Carlini-Wagner keeps the constant of its binary search and spends at most steps × iterations queries', async () => {
    const params = { binarySearchSteps: 3, maxIterations: 60, learningRate: 0.05 }
    const result = await runAttack('cw', model, images, labels, params, silentContext())
    await expectValidResult(model, images, labels, result)
    const found = result.extra?.const as Float32Array
    for (let i = 0; i < N; i++) {
      expect(result.queries[i]).toBeLessThanOrEqual(1 + 3 * 60)
      if (result.success[i] && !cleanWrong[i]) expect([1e-2, 1e-1, 1, 0.55, 5.5, 10, 0.055].map(Math.fround)).toContain(found[i])
    }
  })
})
