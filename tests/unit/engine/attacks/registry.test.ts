import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { listAttacks, resolveAttackParams, runAttack } from '../../../../src-main/engine/attacks'
import { LabError } from '../../../../src-main/engine/base/errors'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import type { Classifier } from '../../../../src-main/engine/models/classifier'
import { mnistTestBatch, trainedMnistClassifier } from './mnist-classifier'
import { describeWithData } from '../../needs-data'

function defaults(id: string): Record<string, unknown> {
  const attack = listAttacks().find((a) => a.id === id)
  return Object.fromEntries((attack?.params ?? []).filter((p) => p.default !== undefined).map((p) => [p.name, p.default]))
}

async function labErrorCode(run: () => Promise<unknown> | unknown): Promise<string | undefined> {
  try {
    await run()
  } catch (e) {
    return e instanceof LabError ? e.code : `not a LabError: ${String(e)}`
  }
  return undefined
}

describe('attack registry', () => {
  it('lists the seven attacks as plain JSON, each parameter with a description', () => {
    const attacks = listAttacks()
    expect(attacks.map((a) => a.id)).toEqual(['hf', 'fgsm', 'pgd', 'deepfool', 'cw', 'single-pixel', 'salt-pepper'])
    expect(JSON.parse(JSON.stringify(attacks))).toEqual(attacks)
    expect(attacks.filter((a) => a.needsGradients).map((a) => a.id)).toEqual(['fgsm', 'pgd', 'deepfool', 'cw'])
    for (const a of attacks) for (const p of a.params) expect(p.description.length).toBeGreaterThan(20)
  })

  it('carries the Foolbox 1.8 defaults and the HF defaults of docs/algorithms.md §Attacks', () => {
    expect(defaults('fgsm')).toEqual({
      mode: 'scan',
      epsilons: 1000,
      maxEpsilon: 1,
      epsilon: 0.1,
      band: 'all',
      bandRadius: 8,
      bandRadius2: 16,
    })
    expect(defaults('deepfool')).toEqual({ steps: 100, subsample: 10 })
    expect(defaults('cw')).toEqual({
      binarySearchSteps: 5,
      maxIterations: 1000,
      confidence: 0,
      learningRate: 5e-3,
      initialConst: 1e-2,
      abortEarly: true,
    })
    expect(defaults('single-pixel')).toEqual({ maxPixels: 1000, seed: 0 })
    expect(defaults('salt-pepper')).toEqual({ epsilons: 100, repetitions: 10, seed: 0 })
    expect(defaults('hf')).toEqual({ step: 1, clip: true, mask: 'circle', rule: 'strict' })
    expect(defaults('pgd')).toEqual({ norm: 'linf', randomStart: true, seed: 0, band: 'all', bandRadius: 8, bandRadius2: 16 })
  })

  it('describes types, ranges and choices for the forms', () => {
    const pgd = listAttacks().find((a) => a.id === 'pgd')?.params ?? []
    expect(pgd.find((p) => p.name === 'norm')).toMatchObject({ type: 'enum', choices: ['linf', 'l2'], default: 'linf' })
    expect(pgd.find((p) => p.name === 'epsilons')).toMatchObject({ type: 'number-list', min: 0, exclusiveMin: true, optional: true })
    const cw = listAttacks().find((a) => a.id === 'cw')?.params ?? []
    expect(cw.find((p) => p.name === 'maxIterations')).toMatchObject({ type: 'integer', min: 1, max: 100000 })
    expect(cw.find((p) => p.name === 'abortEarly')).toMatchObject({ type: 'boolean', default: true })
  })

  it('validates parameters with the schema and says what is wrong', async () => {
    expect(resolveAttackParams('cw', { maxIterations: 50 })).toMatchObject({ maxIterations: 50, binarySearchSteps: 5 })
    expect(await labErrorCode(() => resolveAttackParams('cw', { maxIterations: 0 }))).toBe('ATTACK_PARAMS')
    expect(await labErrorCode(() => resolveAttackParams('fgsm', { epsilonz: 3 }))).toBe('ATTACK_PARAMS')
    expect(await labErrorCode(() => resolveAttackParams('jsma', {}))).toBe('ATTACK_UNKNOWN')
  })
})

describeWithData('runAttack', () => {
  let model: Classifier
  let images: tf.Tensor4D
  let labels: Int32Array
  beforeAll(async () => {
    model = await trainedMnistClassifier()
    ;({ images, labels } = mnistTestBatch(4))
  })

  it('refuses gradient attacks on a model without gradients but runs the query-only ones', async () => {
    const blackBox: Classifier = { info: { ...model.info, gradients: false }, logits: (x) => model.logits(x) }
    for (const id of ['fgsm', 'pgd', 'deepfool', 'cw']) {
      expect(await labErrorCode(() => runAttack(id, blackBox, images, labels, {}, silentContext()))).toBe('ATTACK_NEEDS_GRADIENTS')
    }
    const hf = await runAttack('hf', blackBox, images, labels, {}, silentContext())
    expect(hf.success.length).toBe(4)
  })

  it('releases every tensor it creates', async () => {
    const quick: [string, Record<string, unknown>][] = [
      ['hf', {}],
      ['fgsm', {}],
      ['pgd', { steps: 3 }],
      ['pgd', { norm: 'l2', steps: 3, randomStart: false }],
      ['deepfool', {}],
      ['cw', { maxIterations: 10, binarySearchSteps: 2 }],
      ['single-pixel', { maxPixels: 10 }],
      ['salt-pepper', { repetitions: 1, epsilons: 10 }],
    ]
    for (const [id, params] of quick) {
      // The first run may build caches (filter matrices) that outlive it on purpose.
      await runAttack(id, model, images, labels, params, silentContext())
      const before = tf.memory().numTensors
      await runAttack(id, model, images, labels, params, silentContext())
      expect(tf.memory().numTensors, id).toBe(before)
    }
  })

  it('refuses a batch whose labels do not match its images', async () => {
    expect(await labErrorCode(() => runAttack('hf', model, images, labels.subarray(0, 3), {}, silentContext()))).toBe('ATTACK_LABELS')
  })

  it('refuses pixels outside [0, 1] (or NaN) with a named error, for every attack', async () => {
    const values = (await images.data()) as Float32Array
    for (const bad of [255, -0.5, NaN]) {
      const pixels = Float32Array.from(values)
      pixels[5] = bad
      const outside = tf.tensor4d(pixels, images.shape)
      for (const id of ['hf', 'fgsm', 'salt-pepper'])
        expect(await labErrorCode(() => runAttack(id, model, outside, labels, {}, silentContext())), `${id} ${bad}`).toBe('ATTACK_INPUT')
      outside.dispose()
    }
  })

  it('stops at the next batch boundary once the job is cancelled', async () => {
    const controller = new AbortController()
    let calls = 0
    const ctx = { ...silentContext(), signal: controller.signal, progress: () => ++calls === 3 && controller.abort() }
    await expect(runAttack('fgsm', model, images, labels, {}, ctx)).rejects.toThrow('cancelled')
    expect(calls).toBe(3)
  })
})
