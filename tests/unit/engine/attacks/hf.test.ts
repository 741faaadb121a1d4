import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { hfSchedule, defaultRMin, runAttack } from '../../../../src-main/engine/attacks'
import { lowPass } from '../../../../src-main/engine/spectral'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import type { Classifier } from '../../../../src-main/engine/models/classifier'
import { mnistTestBatch, trainedMnistClassifier } from './mnist-classifier'
import { expectValidResult } from './result-invariants'
import { describeWithData } from '../../needs-data'

describe('HF radius schedule', () => {
  it('walks the (p, q) staircase from floor(n/2), decrementing the larger index (p on ties)', () => {
    const steps = hfSchedule(28, 28, 1, 0)
    expect(steps.slice(0, 4)).toEqual([
      { p: 13, q: 14, r: Math.sqrt(13 * 13 + 14 * 14) },
      { p: 13, q: 13, r: Math.sqrt(2 * 13 * 13) },
      { p: 12, q: 13, r: Math.sqrt(12 * 12 + 13 * 13) },
      { p: 12, q: 12, r: Math.sqrt(2 * 12 * 12) },
    ])
    expect(steps.at(-1)).toEqual({ p: 0, q: 0, r: 0 })
    for (let t = 1; t < steps.length; t++) expect(steps[t].r).toBeLessThan(steps[t - 1].r)
  })

  it('stops before the radius drops below r_min and needs at most n/s queries', () => {
    for (const [n, s] of [
      [28, 1],
      [28, 2],
      [32, 3],
      [224, 1],
    ]) {
      const rMin = defaultRMin(n, n)
      const steps = hfSchedule(n, n, s, rMin)
      expect(steps.length).toBeLessThanOrEqual(Math.ceil(n / s))
      expect(Math.min(...steps.map((x) => x.r))).toBeGreaterThanOrEqual(rMin)
      const last = steps.at(-1) as { p: number; q: number }
      const [p, q] = last.p >= last.q ? [last.p - s, last.q] : [last.p, last.q - s]
      expect(Math.sqrt(p * p + q * q)).toBeLessThan(rMin)
    }
    expect(defaultRMin(28, 28)).toBe(2)
    expect(defaultRMin(32, 32)).toBe(3)
    expect(defaultRMin(224, 224)).toBe(22)
    expect(defaultRMin(8, 8)).toBe(1)
  })
})

describeWithData('HF attack on a trained MNIST classifier', () => {
  let model: Classifier
  let images: tf.Tensor4D
  let labels: Int32Array
  beforeAll(async () => {
    model = await trainedMnistClassifier()
    ;({ images, labels } = mnistTestBatch(24))
  })

  it('succeeds only at radii of its schedule, returning clip(lowPass(x, r)) for the reported r', async () => {
    const rMin = 2
    const result = await runAttack('hf', model, images, labels, { rMin }, silentContext())
    await expectValidResult(model, images, labels, result)
    const schedule = hfSchedule(28, 28, 1, rMin)
    const radius = result.extra?.radius as Float32Array
    const n = labels.length
    expect(result.success.reduce((a, b) => a + b, 0)).toBeGreaterThan(n / 2)
    for (let i = 0; i < n; i++) {
      if (!result.success[i]) {
        expect(result.queries[i]).toBe(schedule.length)
        expect(radius[i]).toBeNaN()
        continue
      }
      const at = schedule.findIndex((s) => Math.fround(s.r) === radius[i])
      expect(at).toBeGreaterThanOrEqual(0)
      expect(result.queries[i]).toBe(at + 1)
      const expected = tf.tidy(() => tf.clipByValue(lowPass(tf.slice(images, i, 1), schedule[at].r), 0, 1).dataSync())
      const got = result.adversarial.subarray(i * 784, (i + 1) * 784)
      for (let k = 0; k < 784; k++) expect(got[k]).toBeCloseTo(expected[k], 6)
    }
  })

  it('uses one query per radius: a sample that resists every radius spent exactly the schedule', async () => {
    const result = await runAttack('hf', model, images, labels, { step: 2 }, silentContext())
    const schedule = hfSchedule(28, 28, 2, defaultRMin(28, 28))
    for (let i = 0; i < labels.length; i++) {
      expect(result.queries[i]).toBeLessThanOrEqual(schedule.length)
      if (!result.success[i]) expect(result.queries[i]).toBe(schedule.length)
    }
  })
})
