import * as tf from '@tensorflow/tfjs-core'
import { expect, it } from 'vitest'
import { CancelledError, type JobContext } from '../../../../src-main/engine/base/job-context'
import { decompose, decomposeBatch } from '../../../../src-main/engine/spectral'
import { mnistImages } from './real-images'
import { HAS_DATA } from '../../paths'
import { describeWithData } from '../../needs-data'

describeWithData('decomposeBatch (Float32Array path)', () => {
  // Read while collecting, so only when the suite runs.
  const all = HAS_DATA ? mnistImages(10_000) : new Float32Array(0)

  it('splits all 10,000 MNIST test digits, chunk by chunk, exactly as decompose() on tensors', async () => {
    const progress: Array<[number, number]> = []
    const ctx: JobContext = {
      progress: (done, total) => progress.push([done, total]),
      partial: () => {},
      signal: new AbortController().signal,
    }
    const { low, high } = await decomposeBatch({ data: all, shape: [10_000, 28, 28, 1] }, 8, undefined, ctx)
    // Several chunks, reported once each, ending at the total.
    expect(progress.length).toBeGreaterThan(1)
    expect(progress.at(-1)).toEqual([10_000, 10_000])
    let sumError = 0
    for (let i = 0; i < all.length; i++) sumError = Math.max(sumError, Math.abs(low[i] + high[i] - all[i]))
    expect(sumError).toBeLessThan(1e-5)
    const tail = tf.tensor4d(all.slice(9_000 * 784), [1_000, 28, 28, 1])
    const reference = decompose(tail, 8)
    const expected = reference.low.dataSync()
    let worst = 0
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(low[9_000 * 784 + i] - expected[i]))
    expect(worst).toBeLessThan(1e-6)
    tf.dispose([tail, reference.low, reference.high])
  })

  it('stops with CancelledError once the job is cancelled', async () => {
    const controller = new AbortController()
    const ctx: JobContext = { progress: () => controller.abort(), partial: () => {}, signal: controller.signal }
    await expect(decomposeBatch({ data: all, shape: [10_000, 28, 28, 1] }, 8, undefined, ctx)).rejects.toBeInstanceOf(CancelledError)
  })

  it('rejects a shape that does not match the data', async () => {
    await expect(decomposeBatch({ data: all.slice(0, 100), shape: [1, 28, 28, 1] }, 8)).rejects.toThrow(RangeError)
  })
})
