import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, expect, it } from 'vitest'
import { openDataset } from '../../../../src-main/engine/data'
import { accuracy } from '../../../../src-main/engine/eval'
import { predictLabels } from '../../../../src-main/engine/scoring'
import { CancelledError, silentContext } from '../../../../src-main/engine/base/job-context'
import type { Classifier } from '../../../../src-main/engine/models/classifier'
import { SHARED_DATA } from '../../paths'
import { describeWithData } from '../../needs-data'
import { mnistTestBatch, trainedMnistClassifier } from '../attacks/mnist-classifier'

describeWithData('accuracy', () => {
  let model: Classifier
  beforeAll(async () => {
    model = await trainedMnistClassifier()
  })

  it('counts top-1 hits per class with a confusion matrix that adds up', async () => {
    const { images, labels } = mnistTestBatch(500)
    const predicted = await predictLabels(model, images)
    const report = await accuracy(model, { images, labels }, { batchSize: 128 })
    const hits = labels.reduce((s, y, i) => s + (predicted[i] === y ? 1 : 0), 0)
    expect(report.total).toBe(500)
    expect(report.correct).toBe(hits)
    expect(report.accuracy).toBeCloseTo(hits / 500, 12)
    expect(report.accuracy).toBeGreaterThan(0.85)
    expect(report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(500)
    expect(report.confusion.reduce((s, row, c) => s + row[c], 0)).toBe(hits)
    for (const c of report.perClass) {
      expect(c.count).toBe(labels.filter((y) => y === c.index).length)
      expect(c.correct).toBe(report.confusion[c.index][c.index])
      expect(c.accuracy).toBeCloseTo(c.correct / c.count, 12)
      expect(c.name).toBe(String(c.index))
    }
  })

  it('reads a data set batch by batch and reports progress', async () => {
    const dataset = await openDataset(join(SHARED_DATA, 'mnist'))
    const indices = Array.from({ length: 300 }, (_, i) => i * 7)
    const progress: number[] = []
    const ctx = { ...silentContext(), progress: (done: number) => progress.push(done) }
    const report = await accuracy(model, { dataset, indices }, { batchSize: 100 }, ctx)
    expect(progress).toEqual([100, 200, 300])
    const images = tf.tensor4d(await dataset.read(indices), [300, 28, 28, 1])
    const allLabels = dataset.labels()
    const direct = await accuracy(model, { images, labels: indices.map((i) => allLabels[i]) })
    expect(report.correct).toBe(direct.correct)
    expect(report.confusion).toEqual(direct.confusion)
  })

  it('stops between batches when cancelled', async () => {
    const { images, labels } = mnistTestBatch(300)
    const controller = new AbortController()
    const ctx = { ...silentContext(), signal: controller.signal, progress: () => controller.abort() }
    await expect(accuracy(model, { images, labels }, { batchSize: 100 }, ctx)).rejects.toBeInstanceOf(CancelledError)
  })
})
