import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, expect, it } from 'vitest'
import { runAttack, runAttackBatched, type AttackResult } from '../../../../src-main/engine/attacks'
import { isAdversarial } from '../../../../src-main/engine/attacks/margin'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import type { Classifier } from '../../../../src-main/engine/models/classifier'
import { mnistTestBatch, trainedMnistClassifier } from './mnist-classifier'
import { expectValidResult } from './result-invariants'
import { describeWithData } from '../../needs-data'

const N = 32

let model: Classifier
let images: tf.Tensor4D
let labels: Int32Array
let clean: Float32Array
let cleanWrong: Uint8Array

beforeAll(async () => {
  model = await trainedMnistClassifier()
  ;({ images, labels } = mnistTestBatch(N, 100))
  clean = images.dataSync() as Float32Array
  cleanWrong = await isAdversarial(model, images, labels)
})

function row(values: Float32Array, i: number): number[] {
  return Array.from(values.subarray(i * 784, (i + 1) * 784))
}

/** The result of the samples `ids`, attacked as their own batch with their global ids. */
async function attackSubset(id: string, ids: number[], params: Record<string, unknown>): Promise<AttackResult> {
  const subset = tf.gather(images, tf.tensor1d(ids, 'int32')) as tf.Tensor4D
  const result = await runAttack(
    id,
    model,
    subset,
    Int32Array.from(ids, (i) => labels[i]),
    params,
    silentContext(),
    ids,
  )
  subset.dispose()
  return result
}

function expectSameSamples(whole: AttackResult, part: AttackResult, ids: number[]): void {
  ids.forEach((i, k) => {
    expect(part.success[k]).toBe(whole.success[i])
    expect(part.queries[k]).toBe(whole.queries[i])
    expect(row(part.adversarial, k)).toEqual(row(whole.adversarial, i))
  })
}

describeWithData('SinglePixel (Foolbox 1.8 SinglePixelAttack)', () => {
  let result: AttackResult
  beforeAll(async () => {
    result = await runAttack('single-pixel', model, images, labels, { seed: 3 }, silentContext())
  })

  it('changes exactly one pixel, to black (even query) or white (odd query)', async () => {
    await expectValidResult(model, images, labels, result)
    const pixel = result.extra?.pixel as Int32Array
    let fooled = 0
    for (let i = 0; i < N; i++) {
      if (!result.success[i] || cleanWrong[i]) continue
      fooled += 1
      const changed = row(result.adversarial, i)
        .map((v, k) => (v !== clean[i * 784 + k] ? k : -1))
        .filter((k) => k >= 0)
      expect(changed).toEqual([pixel[i]])
      expect(result.adversarial[i * 784 + pixel[i]]).toBe((result.queries[i] - 2) % 2 === 0 ? 0 : 1)
      expect(result.queries[i]).toBeLessThanOrEqual(1 + 2 * 1000)
    }
    expect(fooled).toBeGreaterThan(2)
  })

  it('gives the same result for the same seed, whatever else is in the batch', async () => {
    const again = await runAttack('single-pixel', model, images, labels, { seed: 3 }, silentContext())
    expect(Array.from(again.queries)).toEqual(Array.from(result.queries))
    expect(Array.from(again.adversarial)).toEqual(Array.from(result.adversarial))
    const ids = [11, 12, 14, 3, 27]
    expectSameSamples(result, await attackSubset('single-pixel', ids, { seed: 3 }), ids)
  })

  it('tries the pixels in another order for another seed', async () => {
    const other = await runAttack('single-pixel', model, images, labels, { seed: 4 }, silentContext())
    expect(Array.from(other.queries)).not.toEqual(Array.from(result.queries))
  })
})

describeWithData('Salt&Pepper (Foolbox 1.8 SaltAndPepperNoiseAttack)', () => {
  let result: AttackResult
  beforeAll(async () => {
    result = await runAttack('salt-pepper', model, images, labels, { seed: 5 }, silentContext())
  })

  it('only sets pixels to black or white, within its query budget', async () => {
    await expectValidResult(model, images, labels, result)
    const noise = result.extra?.noise as Float32Array
    let fooled = 0
    for (let i = 0; i < N; i++) {
      expect(result.queries[i]).toBeLessThanOrEqual(1 + 10 * 100)
      if (!result.success[i] || cleanWrong[i]) continue
      fooled += 1
      expect(noise[i]).toBeGreaterThan(0)
      for (let k = 0; k < 784; k++) {
        const v = result.adversarial[i * 784 + k]
        if (v !== clean[i * 784 + k]) expect([0, 1]).toContain(v)
      }
    }
    expect(fooled).toBeGreaterThan(N / 2)
  })

  it('gives the same result for the same seed, whatever else is in the batch', async () => {
    const again = await runAttack('salt-pepper', model, images, labels, { seed: 5 }, silentContext())
    expect(Array.from(again.adversarial)).toEqual(Array.from(result.adversarial))
    expect(Array.from(again.queries)).toEqual(Array.from(result.queries))
    const ids = [0, 7, 19, 30]
    expectSameSamples(result, await attackSubset('salt-pepper', ids, { seed: 5 }), ids)
    const batched = await runAttackBatched('salt-pepper', model, images, labels, { seed: 5 }, silentContext(), { batchSize: 7 })
    expect(Array.from(batched.adversarial)).toEqual(Array.from(result.adversarial))
  })

  it('draws other noise for another seed', async () => {
    const other = await runAttack('salt-pepper', model, images, labels, { seed: 6 }, silentContext())
    expect(Array.from(other.adversarial)).not.toEqual(Array.from(result.adversarial))
  })
})
