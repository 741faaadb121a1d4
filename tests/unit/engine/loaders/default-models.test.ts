import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDataset } from '../../../../src-main/engine/data'
import {
  CIFAR10_CLASSES,
  evaluateAccuracy,
  firstConvLayers,
  FASHION_MNIST_CLASSES,
  MNIST_CLASSES,
} from '../../../../src-main/engine/models'
import { defaultModels, openDefaultModel } from '../../../../src-main/engine/loaders'
import { HAS_DATA, NEEDS_DATA, RESOURCES, SHARED_DATA } from '../../paths'
import { itWithData } from '../../needs-data'

const CASES = [
  { id: 'mnist', data: 'mnist', classes: MNIST_CLASSES, floor: 0.985 },
  { id: 'fashion-mnist', data: 'fashion-mnist', classes: FASHION_MNIST_CLASSES, floor: 0.89 },
]

describe('embedded default models', () => {
  it('lists the MNIST, Fashion-MNIST and CIFAR-10 models in resources/models', () => {
    const listed = defaultModels()
    expect(listed.map((m) => m.id)).toEqual(expect.arrayContaining(['mnist', 'fashion-mnist', 'cifar10']))
    expect(listed.find((m) => m.id === 'mnist')?.path).toBe(join(RESOURCES, 'models', 'mnist', 'model.json'))
  })

  it.skipIf(!HAS_DATA).each(CASES)(
    '$id classifies the first 1,000 official test images above its floor' + NEEDS_DATA,
    async ({ id, data, classes, floor }) => {
      const model = await openDefaultModel(id)
      const dataset = await openDataset(join(SHARED_DATA, data), { split: 'test' })
      try {
        expect(model.info).toMatchObject({
          format: 'tfjs-layers',
          inputShape: [28, 28, 1],
          inputRange: [0, 1],
          inputRangeSource: 'metadata',
          classes,
          gradients: true,
        })
        const indices = Array.from({ length: 1000 }, (_, i) => i)
        const images = await dataset.read(indices)
        const { accuracy } = await evaluateAccuracy(model, { images, labels: dataset.labels().slice(0, 1000), shape: [28, 28, 1] })
        expect(accuracy).toBeGreaterThanOrEqual(floor)
      } finally {
        model.dispose()
        await dataset.close?.()
      }
    },
  )

  itWithData('cifar10 has three conv layers and classifies the whole CIFAR-10 test set (10,000 JPEGs) above 70 %', async () => {
    const model = await openDefaultModel('cifar10')
    const dataset = await openDataset(join(SHARED_DATA, 'cifar10', 'test'), { split: 'test' })
    try {
      expect(model.info).toMatchObject({
        inputShape: [32, 32, 3],
        inputRange: [0, 1],
        inputRangeSource: 'metadata',
        classes: CIFAR10_CLASSES,
        gradients: true,
      })
      expect(firstConvLayers(model).map((c) => c.kernelShape)).toEqual([
        [5, 5, 3, 32],
        [3, 3, 32, 64],
        [3, 3, 64, 128],
      ])
      expect(dataset.info.classes).toEqual(CIFAR10_CLASSES)
      const indices = Array.from({ length: dataset.info.count }, (_, i) => i)
      expect(indices).toHaveLength(10_000)
      const { accuracy } = await evaluateAccuracy(model, {
        images: await dataset.read(indices),
        labels: dataset.labels(),
        shape: [32, 32, 3],
      })
      expect(accuracy).toBeGreaterThanOrEqual(0.7)
    } finally {
      model.dispose()
      await dataset.close?.()
    }
  })

  it('refuses an unknown default model id, listing the available ones', async () => {
    await expect(openDefaultModel('imagenet')).rejects.toMatchObject({
      code: 'MODEL_NO_DEFAULT',
      message: expect.stringContaining('mnist'),
    })
  })
})
