import { afterAll, expect, it } from 'vitest'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { detectFormat, openDataset } from '../../../../src-main/engine/data'
import { HAS_DATA, SHARED_DATA } from '../../paths'
import { describeWithData } from '../../needs-data'
import { tempFolder } from './fixtures'

const MNIST = join(SHARED_DATA, 'mnist')
const FASHION = join(SHARED_DATA, 'fashion-mnist')
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 16)
const sum = (b: ArrayLike<number>) => Array.from(b).reduce((a, x) => a + x, 0)

describeWithData('IDX reader on the real MNIST and Fashion-MNIST files', () => {
  it('opens the gzipped MNIST test pair from its folder with the published class counts', async () => {
    expect(await detectFormat(MNIST)).toBe('idx')
    const d = await openDataset(MNIST)
    expect(d.info).toMatchObject({ format: 'idx', count: 10000, shape: [28, 28, 1], valueRange: [0, 255], skipped: [] })
    expect(d.info.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    expect(d.info.classCounts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    expect(Array.from(d.labels().subarray(0, 12))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6])
    const bytes = await d.readBytes([0, 1, 2, 9999])
    expect(bytes.length).toBe(4 * 784)
    expect(sum(bytes)).toBe(99008)
    expect(sha(bytes)).toBe('c2226b67c03b28c7')
    await d.close?.()
  })

  it('reads pixels as float32 in [0, 1] equal to bytes / 255, NHWC', async () => {
    const d = await openDataset(join(MNIST, 't10k-images-idx3-ubyte.gz'))
    const [floats, bytes] = await Promise.all([d.read([5, 6]), d.readBytes([5, 6])])
    expect(floats.length).toBe(2 * 784)
    for (let i = 0; i < floats.length; i++) expect(floats[i]).toBeCloseTo(bytes[i] / 255, 6)
    expect(Math.max(...floats)).toBe(1)
    await d.close?.()
  })

  it('finds the pair from either file of it', async () => {
    const fromLabels = await openDataset(join(MNIST, 't10k-labels-idx1-ubyte.gz'))
    expect(fromLabels.info.source).toBe(join(MNIST, 't10k-images-idx3-ubyte.gz'))
    expect(fromLabels.info.count).toBe(10000)
    await fromLabels.close?.()
  })

  it('opens the test split of a folder by default and the train split on request', async () => {
    const test = await openDataset(FASHION)
    expect(test.info.count).toBe(10000)
    // What was chosen, and what else the folder holds, for the UI to say and offer.
    expect(test.info).toMatchObject({ split: 'test', splits: ['test', 'train'] })
    expect(test.info.classCounts).toEqual(new Array(10).fill(1000))
    expect(Array.from(test.labels().subarray(0, 4))).toEqual([3, 8, 1, 0])
    await test.close?.()
  })

  it('opens the 60,000-image Fashion-MNIST train file lazily and reads its last image', async () => {
    const d = await openDataset(FASHION, { split: 'train' })
    expect(d.info.count).toBe(60000)
    expect(d.info).toMatchObject({ split: 'train', splits: ['test', 'train'] })
    expect(d.info.classCounts).toEqual(new Array(10).fill(6000))
    const last = await d.readBytes([59999])
    expect(d.labels()[59999]).toBe(9)
    expect(sum(await d.readBytes([0, 59999]))).toBe(111089)
    expect(last.length).toBe(784)
    await d.close?.()
  })

  it('reads plain (not gzipped) IDX files at offsets, with the same pixels', async () => {
    const t = tempFolder()
    try {
      writeFileSync(join(t.dir, 't10k-images-idx3-ubyte'), gunzipSync(readFileSync(join(MNIST, 't10k-images-idx3-ubyte.gz'))))
      writeFileSync(join(t.dir, 't10k-labels-idx1-ubyte'), gunzipSync(readFileSync(join(MNIST, 't10k-labels-idx1-ubyte.gz'))))
      const d = await openDataset(t.dir)
      expect(d.info.classCounts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
      expect(sha(await d.readBytes([0, 1, 2, 9999]))).toBe('c2226b67c03b28c7')
      await d.close?.()
    } finally {
      t.remove()
    }
  })

  it('reads EMNIST-named files upright (they are stored transposed)', async () => {
    const t = tempFolder()
    try {
      const images = gunzipSync(readFileSync(join(MNIST, 't10k-images-idx3-ubyte.gz')))
      const transposed = Buffer.from(images)
      for (let n = 0; n < 3; n++) {
        for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) transposed[16 + n * 784 + x * 28 + y] = images[16 + n * 784 + y * 28 + x]
      }
      writeFileSync(join(t.dir, 'emnist-digits-test-images-idx3-ubyte'), transposed)
      copyFileSync(join(MNIST, 't10k-labels-idx1-ubyte.gz'), join(t.dir, 'emnist-digits-test-labels-idx1-ubyte.gz'))
      const d = await openDataset(t.dir)
      expect(Buffer.from(await d.readBytes([0, 1, 2]))).toEqual(images.subarray(16, 16 + 3 * 784))
      await d.close?.()
    } finally {
      t.remove()
    }
  })
})

describeWithData('IDX reader on damaged copies', () => {
  const t = tempFolder()
  afterAll(() => t.remove())
  // Read while collecting, so only when the suite runs.
  const gunzip = (file: string) => (HAS_DATA ? gunzipSync(readFileSync(join(MNIST, file))) : new Uint8Array(0))
  const images = gunzip('t10k-images-idx3-ubyte.gz')
  const labels = gunzip('t10k-labels-idx1-ubyte.gz')
  const pair = (name: string, img: Uint8Array, lbl: Uint8Array) => {
    const dir = join(t.dir, name)
    mkdirSync(dir)
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), img)
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), lbl)
    return dir
  }

  it('names the file and says it is truncated when images are cut short', async () => {
    const dir = pair('short', images.subarray(0, images.length - 100), labels)
    await expect(openDataset(dir)).rejects.toMatchObject({
      code: 'DATA_TRUNCATED',
      message: expect.stringMatching(/t10k-images-idx3-ubyte .*truncated/),
    })
  })

  it('names the file when a gzip stream is cut short', async () => {
    const dir = join(t.dir, 'short-gz')
    mkdirSync(dir)
    const packed = readFileSync(join(MNIST, 't10k-images-idx3-ubyte.gz'))
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), packed.subarray(0, packed.length >> 1))
    copyFileSync(join(MNIST, 't10k-labels-idx1-ubyte.gz'), join(dir, 't10k-labels-idx1-ubyte.gz'))
    await expect(openDataset(dir)).rejects.toMatchObject({
      code: 'DATA_CORRUPT',
      message: expect.stringContaining('t10k-images-idx3-ubyte.gz'),
    })
  })

  it('rejects a wrong magic number, naming the file and the magic found', async () => {
    const bad = Buffer.from(images)
    bad[2] = 0x42
    const dir = pair('magic', bad, labels)
    await expect(openDataset(dir)).rejects.toMatchObject({
      code: 'DATA_FORMAT',
      message: expect.stringMatching(/t10k-images-idx3-ubyte has the wrong magic number 0x00004203/),
    })
  })

  it('rejects labels that do not match the images in count, naming both files', async () => {
    const fewer = Buffer.from(labels.subarray(0, 8 + 9999))
    fewer.writeUInt32BE(9999, 4)
    const dir = pair('mismatch', images, fewer)
    await expect(openDataset(dir)).rejects.toMatchObject({
      code: 'DATA_MISMATCH',
      message: expect.stringMatching(/t10k-labels-idx1-ubyte holds 9999 labels but t10k-images-idx3-ubyte holds 10000 images/),
    })
  })

  it('rejects a file longer than its header says', async () => {
    const dir = pair('long', Buffer.concat([images, Buffer.alloc(784)]), labels)
    await expect(openDataset(dir)).rejects.toMatchObject({ code: 'DATA_FORMAT', message: expect.stringContaining('extra bytes') })
  })

  it('says which file is missing when an images file has no labels beside it', async () => {
    const dir = join(t.dir, 'alone')
    mkdirSync(dir)
    copyFileSync(join(MNIST, 't10k-images-idx3-ubyte.gz'), join(dir, 't10k-images-idx3-ubyte.gz'))
    await expect(openDataset(join(dir, 't10k-images-idx3-ubyte.gz'))).rejects.toMatchObject({
      code: 'DATA_PAIR',
      message: expect.stringContaining('labels file'),
    })
  })

  it('rejects indices outside the data set instead of reading past the end', async () => {
    const d = await openDataset(MNIST)
    await expect(d.readBytes([10000])).rejects.toMatchObject({ code: 'DATA_INDEX' })
    await expect(d.read([-1])).rejects.toMatchObject({ code: 'DATA_INDEX' })
    await d.close?.()
  })
})
