import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, expect, it } from 'vitest'
import { runAttack } from '../../../../src-main/engine/attacks'
import { withD1 } from '../../../../src-main/engine/eval'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import type { Classifier } from '../../../../src-main/engine/models/classifier'
import { lowPass } from '../../../../src-main/engine/spectral'
import { mnistTestBatch, trainedMnistClassifier } from '../attacks/mnist-classifier'
import { describeWithData } from '../../needs-data'

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]))
  return m
}

describeWithData('D1 as a classifier wrapper', () => {
  let model: Classifier
  let images: tf.Tensor4D
  let labels: Int32Array
  beforeAll(async () => {
    model = await trainedMnistClassifier()
    ;({ images, labels } = mnistTestBatch(8, 200))
  })

  it('classifies the unclipped low-pass x_l = LowPass(x, r)', () => {
    const d1 = withD1(model, 6, { rule: 'inclusive' })
    expect(d1.info.variant).toBe('D1 r=6 inclusive')
    const [ours, reference] = tf.tidy(() => [
      d1.logits(images).dataSync(),
      model.logits(lowPass(images, 6, { rule: 'inclusive' })).dataSync(),
    ])
    expect(maxAbsDiff(ours, reference)).toBe(0)
  })

  it('is the undefended model once the radius keeps the whole spectrum', () => {
    const d1 = withD1(model, 20)
    const [ours, reference] = tf.tidy(() => [d1.logits(images).dataSync(), model.logits(images).dataSync()])
    expect(maxAbsDiff(ours, reference)).toBeLessThan(1e-4)
  })

  it('rescales each low-passed image by its own maximum when asked to', () => {
    const d1 = withD1(model, 5, { normalize: 'max' })
    const [ours, reference] = tf.tidy(() => {
      const low = lowPass(images, 5)
      return [d1.logits(images).dataSync(), model.logits(tf.div(low, tf.max(low, [1, 2, 3], true)) as tf.Tensor4D).dataSync()]
    })
    expect(maxAbsDiff(ours, reference)).toBeLessThan(1e-5)
  })

  it('passes gradients through the filter: ∇(f∘D1)(x) = LowPass(∇f(x_l)) because the filter is symmetric', () => {
    const r = 7
    const d1 = withD1(model, r)
    const [through, filtered] = tf.tidy(() => {
      const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), 10)
      const loss = (m: Classifier) => (x: tf.Tensor) => tf.sum(tf.mul(m.logits(x as tf.Tensor4D), onehot))
      const viaD1 = tf.grad(loss(d1))(images)
      const atLow = tf.grad(loss(model))(lowPass(images, r)) as tf.Tensor4D
      return [viaD1.dataSync(), lowPass(atLow, r).dataSync()]
    })
    const scale = Math.max(...Array.from(filtered, Math.abs))
    expect(scale).toBeGreaterThan(0)
    expect(maxAbsDiff(through, filtered)).toBeLessThan(1e-4 * scale)
  })

  it('can be attacked adaptively with gradients (PGD against f∘D1)', async () => {
    const d1 = withD1(model, 8)
    const result = await runAttack('pgd', d1, images, labels, { epsilons: [0.3], steps: 10 }, silentContext())
    expect(result.success.reduce((a, b) => a + b, 0)).toBeGreaterThan(4)
    for (let i = 0; i < labels.length; i++) expect(result.distanceLinf[i]).toBeLessThanOrEqual(0.3 + 1e-6)
  })
})
