import { afterAll, describe, expect, it } from 'vitest'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { detectFormat, openDataset, openDefaultDataset } from '../../../../src-main/engine/data'
import { SHARED_DATA } from '../../paths'
import { describeWithData, itWithData } from '../../needs-data'
import { encodeBmp, tempFolder } from './fixtures'

const CIFAR_JPEGS = join(SHARED_DATA, 'cifar10', 'test')
const SAMPLES = join(SHARED_DATA, 'samples')
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 16)

describe('image folder reader on real images', () => {
  itWithData('opens the 10,000 CIFAR-10 test JPEGs as one class per subfolder, decoding only what is read', async () => {
    expect(await detectFormat(CIFAR_JPEGS)).toBe('image-folder')
    const d = await openDataset(CIFAR_JPEGS)
    expect(d.info).toMatchObject({ format: 'image-folder', count: 10000, shape: [32, 32, 3], valueRange: [0, 255], skipped: [] })
    expect(d.info.classes).toEqual(['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'])
    expect(d.info.classCounts).toEqual(new Array(10).fill(1000))
    expect([d.labels()[0], d.labels()[999], d.labels()[1000], d.labels()[9999]]).toEqual([0, 0, 1, 9])
    const bytes = await d.readBytes([0, 9999])
    expect(sha(bytes)).toBe('7be508e99927297d')
    const floats = await d.read([0, 9999])
    expect(floats[5]).toBeCloseTo(bytes[5] / 255, 6)
    await d.close?.()
  })

  itWithData('labels flat images named <set>_<index>_<label> from their names', async () => {
    const d = await openDataset(SAMPLES)
    expect(d.info.count).toBe(100)
    expect(d.info.shape).toEqual([32, 32, 3])
    expect(d.labels()[0]).toBe(49) // cifar100_00_49.png sorts first
    expect(d.info.classes).toHaveLength(991) // ImageNet label 990 is the largest
    expect(d.info.classCounts[7]).toBeGreaterThan(0)
    // The 512x512 ImageNet images and 28x28 gray digits come back at the first image's size.
    const all = await d.readBytes(Array.from({ length: 100 }, (_, i) => i))
    expect(all.length).toBe(100 * 32 * 32 * 3)
    await d.close?.()
  })

  itWithData('opens one image file as a one-image data set labelled from its name', async () => {
    const file = join(SAMPLES, 'imagenet_18_317.jpg')
    expect(await detectFormat(file)).toBe('image-file')
    const d = await openDataset(file, { size: [224, 224], channels: 3 })
    expect(d.info).toMatchObject({ format: 'image-file', count: 1, shape: [224, 224, 3] })
    expect(d.labels()[0]).toBe(317)
    expect((await d.read([0])).length).toBe(224 * 224 * 3)
    await d.close?.()
  })

  itWithData('resizes to the requested size by fill, contain (black bars) or cover (centre crop), and records the mode', async () => {
    const wide = join(SAMPLES, 'imagenet_10_541.jpg') // 1024x683
    const rows = async (resize: 'fill' | 'contain' | 'cover') => {
      const d = await openDataset(wide, { size: [64, 64], channels: 3, resize })
      expect(d.info.resize).toContain(`${resize} to 64x64`)
      const px = await d.readBytes([0])
      return { top: px.subarray(0, 64 * 3).reduce((a, b) => a + b, 0), px }
    }
    const [fill, contain, cover] = await Promise.all([rows('fill'), rows('contain'), rows('cover')])
    expect(contain.top).toBe(0)
    expect(fill.top).toBeGreaterThan(0)
    expect(cover.top).toBeGreaterThan(0)
    expect(sha(fill.px)).not.toBe(sha(cover.px))
  })

  itWithData('converts to one gray channel on request', async () => {
    const d = await openDataset(CIFAR_JPEGS, { channels: 1 })
    expect(d.info.shape).toEqual([32, 32, 1])
    expect((await d.readBytes([0])).length).toBe(1024)
  })

  it('opens the embedded ImageNet samples with ILSVRC class indices from the folder names', async () => {
    const d = await openDefaultDataset('imagenet-samples', { size: [224, 224], channels: 3, resize: 'cover' })
    expect(d.info).toMatchObject({ count: 20, shape: [224, 224, 3] })
    expect(d.info.classes).toHaveLength(1000)
    expect(Array.from(d.labels().subarray(0, 4))).toEqual([22, 99, 129, 243])
    expect(d.info.classCounts[609]).toBe(2)
  })
})

describeWithData('image folder reader on bad files', () => {
  const t = tempFolder()
  afterAll(() => t.remove())

  itWithData('says which sizes a mixed folder held before it was brought to one size', async () => {
    // The shared samples folder mixes 32x32 CIFAR, 28x28 (Fashion-)MNIST and large ImageNet JPEGs.
    // Reference: PIL's Image.open(f).size on the same 48 evenly spaced files gave
    // 32x32: 20, 28x28: 18, 512x512: 9, 683x1024: 1.
    const d = await openDataset(SAMPLES)
    expect(d.info.shape).toEqual([32, 32, 3])
    expect(d.info.sizesSampled).toBe(48)
    expect(d.info.originalSizes).toEqual([
      { height: 32, width: 32, count: 20 },
      { height: 28, width: 28, count: 18 },
      { height: 512, width: 512, count: 9 },
      { height: 683, width: 1024, count: 1 },
    ])
    expect(d.info.split).toBeUndefined()
  })

  it('skips and lists unreadable images instead of failing, and reads the rest', async () => {
    const dir = join(t.dir, 'digits')
    for (const c of ['seven', 'zero']) mkdirSync(join(dir, c), { recursive: true })
    copyFileSync(join(SAMPLES, 'mnist_00_7.png'), join(dir, 'seven', 'a.png'))
    copyFileSync(join(SAMPLES, 'mnist_17_7.png'), join(dir, 'seven', 'b.png'))
    copyFileSync(join(SAMPLES, 'mnist_03_0.png'), join(dir, 'zero', 'a.png'))
    const png = readFileSync(join(SAMPLES, 'mnist_13_0.png'))
    writeFileSync(join(dir, 'zero', 'cut.png'), png.subarray(0, png.length >> 1))
    writeFileSync(join(dir, 'zero', 'garbage.jpg'), Buffer.from('this is not an image at all'))
    writeFileSync(join(dir, 'zero', 'empty.webp'), Buffer.alloc(0))
    writeFileSync(join(dir, 'zero', 'notes.txt'), 'not listed: not an image name')
    const d = await openDataset(dir)
    expect(d.info.count).toBe(3)
    expect(d.info.classes).toEqual(['seven', 'zero'])
    expect(d.info.classCounts).toEqual([2, 1])
    expect(d.info.skipped.map((s) => [s.file.slice(dir.length + 1), s.reason])).toEqual([
      ['zero/cut.png', 'is a truncated PNG (no IEND chunk at its end)'],
      ['zero/empty.webp', 'is empty'],
      ['zero/garbage.jpg', 'is not a PNG, JPEG, WebP or BMP image (unknown first bytes)'],
    ])
    expect((await d.readBytes([0, 1, 2])).length).toBe(3 * 784)
  })

  it('skips a first image whose header cannot be decoded and takes the shape from the next', async () => {
    const dir = join(t.dir, 'flat')
    mkdirSync(dir)
    writeFileSync(join(dir, 'a_1.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 7)]))
    copyFileSync(join(SAMPLES, 'cifar10_02_8.png'), join(dir, 'b_8.png'))
    const d = await openDataset(dir)
    expect(d.info.count).toBe(1)
    expect(d.info.shape).toEqual([32, 32, 3])
    expect(d.info.skipped).toHaveLength(1)
    expect(d.info.skipped[0].reason).toMatch(/^cannot be decoded/)
  })

  it('reports an image that fails to decode when read with an error naming it, not a crash', async () => {
    const dir = join(t.dir, 'late')
    mkdirSync(dir)
    copyFileSync(join(SAMPLES, 'cifar10_02_8.png'), join(dir, 'a_8.png'))
    writeFileSync(join(dir, 'b_1.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 7)]))
    const d = await openDataset(dir, { size: [32, 32], channels: 3 })
    expect(d.info.count).toBe(2)
    await expect(d.readBytes([1])).rejects.toMatchObject({
      code: 'DATA_IMAGE',
      message: expect.stringContaining('b_1.jpg cannot be decoded'),
    })
    expect((await d.readBytes([0])).length).toBe(3072)
  })

  it('says so when a folder holds no readable image', async () => {
    const dir = join(t.dir, 'none')
    mkdirSync(dir)
    writeFileSync(join(dir, 'x.png'), Buffer.from('nope'))
    await expect(openDataset(dir)).rejects.toMatchObject({ code: 'DATA_EMPTY' })
  })

  it('names classes from a labels.txt beside the class folders', async () => {
    const dir = join(t.dir, 'named')
    for (const c of ['0', '1']) mkdirSync(join(dir, c), { recursive: true })
    copyFileSync(join(SAMPLES, 'mnist_03_0.png'), join(dir, '0', 'a.png'))
    copyFileSync(join(SAMPLES, 'mnist_05_1.png'), join(dir, '1', 'a.png'))
    writeFileSync(join(dir, 'labels.txt'), 'zero\none\ntwo\n')
    const d = await openDataset(dir)
    expect(d.info.classes).toEqual(['zero', 'one', 'two'])
    expect(d.info.classCounts).toEqual([1, 1, 0])
  })
})

describeWithData('BMP images', () => {
  const t = tempFolder()
  afterAll(() => t.remove())

  it('decodes 24-bit, 32-bit and 8-bit palette BMPs to the same pixels as the PNG they were made from', async () => {
    const rgbPng = await openDataset(join(SAMPLES, 'cifar10_02_8.png'))
    const rgb = await rgbPng.readBytes([0])
    const grayPng = await openDataset(join(SAMPLES, 'mnist_00_7.png'), { channels: 3 })
    const gray = await grayPng.readBytes([0])
    const dir = join(t.dir, 'bmp')
    mkdirSync(dir)
    writeFileSync(join(dir, 'a_8.bmp'), encodeBmp(rgb, 32, 32, 24))
    writeFileSync(join(dir, 'b_8.bmp'), encodeBmp(rgb, 32, 32, 32))
    writeFileSync(join(dir, 'c_7.bmp'), encodeBmp(gray, 28, 28, 8))
    expect(await detectFormat(join(dir, 'a_8.bmp'))).toBe('image-file')
    const d = await openDataset(dir, { size: [32, 32], channels: 3 })
    expect(d.info.count).toBe(3)
    expect(Array.from(d.labels())).toEqual([8, 8, 7])
    const [a, b] = [await d.readBytes([0]), await d.readBytes([1])]
    expect(Buffer.from(a)).toEqual(Buffer.from(rgb))
    expect(Buffer.from(b)).toEqual(Buffer.from(rgb))
    const c = await openDataset(join(dir, 'c_7.bmp'))
    expect(c.info.shape).toEqual([28, 28, 3])
    expect(Buffer.from(await c.readBytes([0]))).toEqual(Buffer.from(gray))
  })
})
