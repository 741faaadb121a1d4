import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { DEFAULT_DATASET_ID, detectFormat, listDefaultDatasets, openDefaultDataset } from '../../../../src-main/engine/data'
import { FASHION_MNIST_CLASSES } from '../../../../src-main/engine/models'
import { resourcesDir } from '../../../../src-main/engine/base/resources-path'
import { RESOURCES } from '../../paths'

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 16)

describe('embedded default data sets', () => {
  afterEach(() => {
    delete process.env.HFC_RESOURCES
  })

  it('finds the resources folder of the repository, or the one HFC_RESOURCES names', () => {
    expect(resourcesDir()).toBe(RESOURCES)
    process.env.HFC_RESOURCES = '/opt/hfc/resources'
    expect(resourcesDir()).toBe('/opt/hfc/resources')
  })

  it('lists mnist, fashion-mnist, cifar10 and imagenet-samples, and opens mnist by default', async () => {
    const entries = listDefaultDatasets()
    expect(entries.map((e) => e.id)).toEqual(['mnist', 'fashion-mnist', 'cifar10', 'imagenet-samples'])
    expect(DEFAULT_DATASET_ID).toBe('mnist')
    for (const e of entries) expect(await detectFormat(e.path)).toBe(e.format)
    const d = await openDefaultDataset()
    expect(d.info.name).toBe('MNIST test (first 1,000)')
    await d.close?.()
  })

  it('holds the first 1,000 MNIST test images with their labels', async () => {
    const d = await openDefaultDataset('mnist')
    expect(d.info).toMatchObject({ count: 1000, shape: [28, 28, 1], classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] })
    expect(d.info.classCounts).toEqual([85, 126, 116, 107, 110, 87, 87, 99, 89, 94])
    expect(Array.from(d.labels().subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
    expect(sha(await d.readBytes([0, 999]))).toBe('edb8fdfb3cc62bb4')
  })

  it('holds 1,000 Fashion-MNIST test images with the class names from labels.txt', async () => {
    const d = await openDefaultDataset('fashion-mnist')
    expect(d.info.count).toBe(1000)
    expect(d.info.classes).toEqual(FASHION_MNIST_CLASSES)
    expect(d.info.classCounts).toEqual([83, 94, 98, 123, 101, 89, 98, 92, 103, 119])
    expect(sha(await d.readBytes([0, 999]))).toBe('15d1fba6c95375de')
  })

  it('holds 1,000 CIFAR-10 test images as a binary batch, 100 per class', async () => {
    const d = await openDefaultDataset('cifar10')
    expect(d.info).toMatchObject({
      format: 'cifar10-bin',
      count: 1000,
      shape: [32, 32, 3],
      source: join(RESOURCES, 'datasets', 'cifar10', 'test_batch.bin'),
    })
    expect(d.info.classCounts).toEqual(new Array(10).fill(100))
    expect(sha(await d.readBytes([0, 999]))).toBe('4e2a8b8faebaa565')
  })

  it('says which ids exist when asked for an unknown one', async () => {
    await expect(openDefaultDataset('svhn')).rejects.toMatchObject({
      code: 'DATA_NO_DEFAULT',
      message: expect.stringContaining('mnist, fashion-mnist, cifar10, imagenet-samples'),
    })
    process.env.HFC_RESOURCES = '/nonexistent/resources'
    await expect(openDefaultDataset('mnist')).rejects.toMatchObject({
      code: 'DATA_NOT_FOUND',
      message: expect.stringContaining('HFC_RESOURCES'),
    })
  })
})
