import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { detectFormat, openDataset } from '../../../../src-main/engine/data'
import { encodeCifar } from '../../../../src-main/engine/data/cifar-writer'
import { RESOURCES, SHARED_DATA } from '../../paths'
import { itWithData } from '../../needs-data'
import { tempFolder } from './fixtures'

const DEFAULT_CIFAR = join(RESOURCES, 'datasets', 'cifar10')
const BATCH = join(DEFAULT_CIFAR, 'test_batch.bin')
const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']

describe('CIFAR-10 binary reader on the embedded test batch', () => {
  it('reports count, shape, classes from batches.meta.txt and 100 images per class', async () => {
    expect(await detectFormat(DEFAULT_CIFAR)).toBe('cifar10-bin')
    expect(await detectFormat(BATCH)).toBe('cifar10-bin')
    const d = await openDataset(DEFAULT_CIFAR)
    expect(d.info).toMatchObject({ format: 'cifar10-bin', count: 1000, shape: [32, 32, 3], valueRange: [0, 255], classes: CLASSES })
    expect(d.info.classCounts).toEqual(new Array(10).fill(100))
    expect(Array.from(d.labels().subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1])
    await d.close?.()
  })

  itWithData('turns the R, G, B planes back into the HWC pixels of the source JPEGs', async () => {
    const bin = await openDataset(BATCH)
    const jpegs = await openDataset(join(SHARED_DATA, 'cifar10', 'test'))
    // Records interleave classes: record 1 is the first automobile, record 12 the second bird (bird/0001.jpg).
    const autoIndex = jpegs.labels().indexOf(1)
    const birdIndex = jpegs.labels().indexOf(2) + 1
    expect(Buffer.from(await bin.readBytes([1, 12]))).toEqual(Buffer.from(await jpegs.readBytes([autoIndex, birdIndex])))
    const floats = await bin.read([1])
    const bytes = await bin.readBytes([1])
    expect(floats[100]).toBeCloseTo(bytes[100] / 255, 6)
    await bin.close?.()
    await jpegs.close?.()
  })
})

describe('CIFAR binary reader on written and damaged batches', () => {
  const t = tempFolder()
  afterAll(() => t.remove())
  const batch = readFileSync(BATCH)

  it('reads data_batch_N files of a folder as one training set, across file boundaries', async () => {
    const dir = join(t.dir, 'split')
    mkdirSync(dir)
    writeFileSync(join(dir, 'data_batch_1.bin'), batch.subarray(0, 500 * 3073))
    writeFileSync(join(dir, 'data_batch_2.bin'), batch.subarray(500 * 3073))
    writeFileSync(join(dir, 'test_batch.bin'), batch.subarray(0, 10 * 3073))
    const train = await openDataset(dir, { split: 'train' })
    const whole = await openDataset(BATCH)
    expect(train.info.count).toBe(1000)
    expect(Buffer.from(await train.readBytes([499, 500, 999]))).toEqual(Buffer.from(await whole.readBytes([499, 500, 999])))
    const test = await openDataset(dir)
    expect(test.info.count).toBe(10)
    expect(train.info).toMatchObject({ split: 'train', splits: ['test', 'train'] })
    expect(test.info).toMatchObject({ split: 'test', splits: ['test', 'train'] })
    expect(whole.info.splits).toBeUndefined()
    await Promise.all([train.close?.(), whole.close?.(), test.close?.()])
  })

  it('rejects a file of the wrong length, naming it and the record size', async () => {
    const file = join(t.dir, 'test_batch.bin')
    writeFileSync(file, batch.subarray(0, batch.length - 5))
    await expect(openDataset(file)).rejects.toMatchObject({
      code: 'DATA_FORMAT',
      message: expect.stringMatching(/test_batch\.bin has 3072995 bytes, which is not a whole number of 3073-byte CIFAR-10 records/),
    })
  })

  it('rejects a label outside 0-9, naming the record', async () => {
    const file = join(t.dir, 'data_batch_9.bin')
    const bad = Buffer.from(batch)
    bad[3 * 3073] = 42
    writeFileSync(file, bad)
    await expect(openDataset(file)).rejects.toMatchObject({
      code: 'DATA_FORMAT',
      message: expect.stringContaining('Record 3 of data_batch_9.bin has label 42'),
    })
  })

  itWithData('reads CIFAR-100 records with fine labels by default and coarse labels on request', async () => {
    const dir = join(t.dir, 'cifar-100-binary')
    mkdirSync(dir)
    const samples = join(SHARED_DATA, 'samples')
    const files = readdirSync(samples)
      .filter((f) => f.startsWith('cifar100_'))
      .sort()
    const source = await openDataset(samples, { size: [32, 32], channels: 3 })
    const names = readdirSync(samples).sort()
    const picks = files.map((f) => names.indexOf(f))
    const pixels = await source.readBytes(picks)
    const fine = files.map((f) => Number(/_(\d+)\.png$/.exec(f)![1]))
    // Fixture coarse labels (the real fine-to-coarse table is not needed to test the layout).
    const coarse = fine.map((l) => l % 20)
    writeFileSync(join(dir, 'test.bin'), encodeCifar(pixels, fine, coarse))
    writeFileSync(join(dir, 'fine_label_names.txt'), Array.from({ length: 100 }, (_, i) => `fine-${i}`).join('\n') + '\n')
    writeFileSync(join(dir, 'coarse_label_names.txt'), Array.from({ length: 20 }, (_, i) => `coarse-${i}`).join('\n') + '\n')

    expect(await detectFormat(dir)).toBe('cifar100-bin')
    const d = await openDataset(dir)
    expect(d.info).toMatchObject({ format: 'cifar100-bin', count: 20, shape: [32, 32, 3] })
    expect(d.info.classes).toHaveLength(100)
    expect(d.info.classes[49]).toBe('fine-49')
    expect(Array.from(d.labels())).toEqual(fine)
    expect(Buffer.from(await d.readBytes([0, 19]))).toEqual(Buffer.from(await source.readBytes([picks[0], picks[19]])))
    const c = await openDataset(join(dir, 'test.bin'), { labelSet: 'coarse' })
    expect(Array.from(c.labels())).toEqual(coarse)
    expect(c.info.classes).toEqual(Array.from({ length: 20 }, (_, i) => `coarse-${i}`))
    expect(c.info.classCounts.reduce((a, b) => a + b)).toBe(20)
    await Promise.all([d.close?.(), c.close?.(), source.close?.()])
  })
})
