import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, expect, it } from 'vitest'
import { runAttack } from '../../../../src-main/engine/attacks'
import { robustnessCurve, runCurve, withD1, type CurveEntry, type CurveRunResult } from '../../../../src-main/engine/eval'
import { predictLabels } from '../../../../src-main/engine/scoring'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import type { Classifier } from '../../../../src-main/engine/models/classifier'
import { mnistTestBatch, trainedMnistClassifier } from '../attacks/mnist-classifier'
import { describeWithData } from '../../needs-data'

const N = 16

let model: Classifier
let images: tf.Tensor4D
let labels: Int32Array
let cleanAccuracy: number

beforeAll(async () => {
  model = await trainedMnistClassifier()
  ;({ images, labels } = mnistTestBatch(N, 100))
  const predicted = await predictLabels(model, images)
  cleanAccuracy = predicted.reduce((s, p, i) => s + (p === labels[i] ? 1 : 0), 0) / N
})

describeWithData('robustnessCurve on a trained model', () => {
  it('measures d_i from the images, scores clean and adversarial images, and agrees with its own AUC', async () => {
    const attack = await runAttack('fgsm', model, images, labels, {}, silentContext())
    const curve = await robustnessCurve({ clean: images, adversarial: attack.adversarial, labels, model })
    expect(Array.from(curve.distances)).toEqual(Array.from(attack.distanceLinf))
    expect(curve.cleanAccuracy).toBeCloseTo(cleanAccuracy, 12)
    expect(curve.accuracy[100]).toBeCloseTo(curve.adversarialAccuracy, 12)
    expect(curve.adversarialAccuracy).toBeLessThan(0.2)
    for (let k = 1; k < curve.accuracy.length; k++) expect(curve.accuracy[k]).toBeLessThanOrEqual(curve.accuracy[k - 1])
    expect(Math.abs(curve.auc - curve.aucTrapezoid)).toBeLessThanOrEqual(5e-4)
    const l2 = await robustnessCurve({ clean: images, adversarial: attack.adversarial, labels, model, norm: 'l2', epsMax: 4 })
    Array.from(l2.distances).forEach((d, i) => expect(d).toBeCloseTo(attack.distanceL2[i], 5))
  })

  it('low-passes the adversarials before scoring when the scored model is D1', async () => {
    const attack = await runAttack('fgsm', model, images, labels, {}, silentContext())
    const d1 = withD1(model, 8)
    const curve = await robustnessCurve({ clean: images, adversarial: attack.adversarial, labels, model: d1 })
    const onLow = await predictLabels(d1, tf.tensor4d(attack.adversarial, images.shape))
    expect(Array.from(curve.adversarialCorrect)).toEqual(Array.from(onLow, (p, i) => (p === labels[i] ? 1 : 0)))
  })
})

describeWithData('runCurve', () => {
  let run: CurveRunResult
  let partials: unknown[]
  let d2Builds = 0
  let d2Calls = 0

  beforeAll(async () => {
    partials = []
    const d2Model = (): Promise<Classifier> => {
      d2Builds += 1
      return Promise.resolve({
        info: { ...model.info, variant: 'D2 stand-in' },
        logits: (x: tf.Tensor4D) => {
          d2Calls += 1
          return model.logits(x)
        },
      })
    }
    run = await runCurve(
      {
        model,
        images,
        labels,
        attacks: [
          { id: 'fgsm' },
          { id: 'hf', params: { rMin: 2 } },
          { id: 'salt-pepper', params: { epsilons: 20, repetitions: 2, seed: 1 } },
        ],
        defenses: [{ kind: 'none' }, { kind: 'd1', r: 8 }, { kind: 'd2', label: 'D2 r=2', model: d2Model }],
        attackBatchSize: 6,
      },
      { ...silentContext(), partial: (data) => partials.push(data) },
    )
  })

  function entry(attack: string, defense: string, protocol: string): CurveEntry {
    const found = run.entries.find((e) => e.attack === attack && e.defense === defense && e.protocol === protocol)
    if (!found) throw new Error(`no entry ${attack} / ${defense} / ${protocol}`)
    return found
  }

  it('runs the baseline, transfer, direct and adaptive pairs and says why the others are left out', () => {
    const keys = run.entries.map((e) => `${e.attack}|${e.defense}|${e.protocol}`)
    expect(keys).toEqual([
      'fgsm|none|direct',
      'fgsm|D1 r=8|transfer',
      'fgsm|D1 r=8|adaptive',
      'fgsm|D2 r=2|transfer',
      'fgsm|D2 r=2|direct',
      'hf|none|direct',
      'hf|D1 r=8|transfer',
      'hf|D1 r=8|direct',
      'hf|D2 r=2|transfer',
      'hf|D2 r=2|direct',
      'salt-pepper|none|direct',
      'salt-pepper|D1 r=8|transfer',
      'salt-pepper|D1 r=8|direct',
      'salt-pepper|D2 r=2|transfer',
      'salt-pepper|D2 r=2|direct',
    ])
    expect(run.cancelled).toBe(false)
    expect(run.skipped.map((s) => `${s.attack}|${s.defense}|${s.protocol}`)).toEqual([
      'fgsm|D1 r=8|direct',
      'fgsm|D2 r=2|adaptive',
      'hf|D1 r=8|adaptive',
      'hf|D2 r=2|adaptive',
      'salt-pepper|D1 r=8|adaptive',
      'salt-pepper|D2 r=2|adaptive',
    ])
    for (const s of run.skipped) expect(s.reason.length).toBeGreaterThan(20)
  })

  it('streams every entry through ctx.partial as soon as it is done', () => {
    expect(partials).toEqual(run.entries.map((entry) => ({ type: 'curve-entry', entry })))
  })

  it('scores transfer adversarials (made on the base model) on the defended model', async () => {
    const base = entry('fgsm', 'none', 'direct')
    const transfer = entry('fgsm', 'D1 r=8', 'transfer')
    expect(Array.from(transfer.curve.distances)).toEqual(Array.from(base.curve.distances))
    expect(transfer.successRate).toBe(base.successRate)
    const d1Clean = await predictLabels(withD1(model, 8), images)
    expect(transfer.curve.cleanAccuracy).toBeCloseTo(d1Clean.reduce((s, p, i) => s + (p === labels[i] ? 1 : 0), 0) / N, 12)
    // Low-passing undoes much of FGSM's high-frequency perturbation.
    expect(transfer.curve.adversarialAccuracy).toBeGreaterThan(base.curve.adversarialAccuracy)
  })

  it('attacks the defended model itself in the direct and adaptive protocols', () => {
    expect(d2Builds).toBe(1)
    expect(d2Calls).toBeGreaterThan(0)
    const adaptive = entry('fgsm', 'D1 r=8', 'adaptive')
    expect(adaptive.successRate).toBeGreaterThan(0.5)
    expect(adaptive.curve.adversarialAccuracy).toBeLessThan(entry('fgsm', 'D1 r=8', 'transfer').curve.adversarialAccuracy)
  })

  it('gives every entry a curve whose closed-form AUC matches the trapezoid', () => {
    for (const e of run.entries) {
      expect(e.curve.grid.length).toBe(101)
      expect(Math.abs(e.curve.auc - e.curve.aucTrapezoid)).toBeLessThanOrEqual(5e-4)
    }
  })

  it('adds a worst-case envelope per defense', () => {
    expect(run.envelopes.map((e) => e.defense)).toEqual(['none', 'D1 r=8', 'D2 r=2'])
    const none = run.envelopes[0].envelope
    const curves = run.entries.filter((e) => e.defense === 'none')
    none.accuracy.forEach((v, k) => expect(v).toBeLessThanOrEqual(Math.min(...curves.map((c) => c.curve.accuracy[k])) + 1e-12))
  })

  it('draws a flat curve at clean accuracy for an attack that always fails', async () => {
    const flat = await runCurve({ model, images, labels, attacks: [{ id: 'fgsm', params: { mode: 'fixed', epsilon: 0 } }] })
    const { curve } = flat.entries[0]
    expect(new Set(curve.accuracy)).toEqual(new Set([cleanAccuracy]))
    expect(curve.auc).toBeCloseTo(cleanAccuracy, 12)
  })

  it('keeps the finished entries when cancelled', async () => {
    const controller = new AbortController()
    const streamed: unknown[] = []
    const ctx = {
      ...silentContext(),
      signal: controller.signal,
      partial: (data: unknown) => {
        streamed.push(data)
        controller.abort()
      },
    }
    const cancelled = await runCurve({ model, images, labels, attacks: [{ id: 'hf' }, { id: 'fgsm' }] }, ctx)
    expect(cancelled.cancelled).toBe(true)
    expect(cancelled.entries.map((e) => e.attack)).toEqual(['hf'])
    expect(streamed).toHaveLength(1)
  })
})
