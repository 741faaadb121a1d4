import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { detectFormat, openDataset, type Dataset } from '../../../../src-main/engine/data'
import { RESOURCES } from '../../paths'
import { bytesOf, encodeNpy, encodeZip, tempFolder } from './fixtures'

const N = 50
let mnist: Dataset
let pixels: Uint8Array
let labels: Int32Array
const t = tempFolder()

beforeAll(async () => {
  mnist = await openDataset(join(RESOURCES, 'datasets', 'mnist'))
  pixels = await mnist.readBytes(Array.from({ length: N }, (_, i) => i))
  labels = mnist.labels().slice(0, N)
})
afterAll(async () => {
  await mnist.close?.()
  t.remove()
})

describe('NumPy reader', () => {
  it('reads a .npz of uint8 N,H,W images with int64 labels, stored (not compressed)', async () => {
    const file = join(t.dir, 'mnist.npz')
    writeFileSync(
      file,
      encodeZip([
        { name: 'x_test.npy', data: encodeNpy('|u1', [N, 28, 28], pixels), deflate: false },
        { name: 'y_test.npy', data: encodeNpy('<i8', [N], bytesOf(BigInt64Array.from(labels, (l) => BigInt(l)))), deflate: false },
      ]),
    )
    expect(await detectFormat(file)).toBe('npy')
    const d = await openDataset(file)
    expect(d.info).toMatchObject({ format: 'npy', count: N, shape: [28, 28, 1], valueRange: [0, 255] })
    expect(Array.from(d.labels())).toEqual(Array.from(labels))
    expect(Buffer.from(await d.readBytes([0, 7, 49]))).toEqual(Buffer.from(await mnist.readBytes([0, 7, 49])))
    await d.close?.()
  })

  it('reads a compressed .npz (np.savez_compressed) of float32 NCHW images on [0, 1], picking the test split', async () => {
    const rgb = new Float32Array(N * 3 * 28 * 28)
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < 3; c++) for (let p = 0; p < 784; p++) rgb[(n * 3 + c) * 784 + p] = pixels[n * 784 + p] / 255
    }
    const file = join(t.dir, 'rgb.npz')
    writeFileSync(
      file,
      encodeZip([
        { name: 'x_train.npy', data: encodeNpy('<f4', [2, 3, 28, 28], bytesOf(rgb.subarray(0, 2 * 3 * 784))), deflate: true },
        { name: 'y_train.npy', data: encodeNpy('<i4', [2], bytesOf(Int32Array.from([1, 2]))), deflate: true },
        { name: 'x_test.npy', data: encodeNpy('<f4', [N, 3, 28, 28], bytesOf(rgb)), deflate: true },
        { name: 'y_test.npy', data: encodeNpy('<i4', [N], bytesOf(labels)), deflate: true },
      ]),
    )
    const d = await openDataset(file)
    expect(d.info).toMatchObject({ count: N, shape: [28, 28, 3], valueRange: [0, 1] })
    expect(Array.from(d.labels())).toEqual(Array.from(labels))
    const got = await d.readBytes([3])
    const want = await mnist.readBytes([3])
    for (let p = 0; p < 784; p++) expect([got[p * 3], got[p * 3 + 1], got[p * 3 + 2]]).toEqual([want[p], want[p], want[p]])
    const train = await openDataset(file, { split: 'train' })
    expect(train.info.count).toBe(2)
    expect(Array.from(train.labels())).toEqual([1, 2])
    await Promise.all([d.close?.(), train.close?.()])
  })

  it('finds the labels .npy beside an images .npy and infers a 0-255 float range', async () => {
    writeFileSync(join(t.dir, 'images.npy'), encodeNpy('<f4', [N, 28, 28, 1], bytesOf(Float32Array.from(pixels))))
    writeFileSync(join(t.dir, 'labels.npy'), encodeNpy('|u1', [N], Uint8Array.from(labels)))
    const d = await openDataset(join(t.dir, 'images.npy'))
    expect(d.info).toMatchObject({ shape: [28, 28, 1], valueRange: [0, 255] })
    expect(Buffer.from(await d.readBytes([10, 11]))).toEqual(Buffer.from(await mnist.readBytes([10, 11])))
    const f = await d.read([10])
    const b = await mnist.read([10])
    for (let i = 0; i < 784; i++) expect(f[i]).toBeCloseTo(b[i], 6)
    await d.close?.()
  })

  it('opens a folder of x_/y_ .npy files, the test split by default', async () => {
    const dir = tempFolder()
    try {
      writeFileSync(join(dir.dir, 'x_train.npy'), encodeNpy('|u1', [20, 28, 28], pixels.subarray(0, 20 * 784)))
      writeFileSync(join(dir.dir, 'y_train.npy'), encodeNpy('|u1', [20], Uint8Array.from(labels.subarray(0, 20))))
      writeFileSync(join(dir.dir, 'x_test.npy'), encodeNpy('|u1', [30, 28, 28], pixels.subarray(20 * 784)))
      writeFileSync(join(dir.dir, 'y_test.npy'), encodeNpy('|u1', [30], Uint8Array.from(labels.subarray(20))))
      expect(await detectFormat(dir.dir)).toBe('npy')
      const test = await openDataset(dir.dir)
      expect(test.info.count).toBe(30)
      expect(Array.from(test.labels())).toEqual(Array.from(labels.subarray(20)))
      const train = await openDataset(dir.dir, { split: 'train' })
      expect(Array.from(train.labels())).toEqual(Array.from(labels.subarray(0, 20)))
      expect(Buffer.from(await train.readBytes([19]))).toEqual(Buffer.from(await mnist.readBytes([19])))
      await Promise.all([test.close?.(), train.close?.()])
    } finally {
      dir.remove()
    }
  })

  it('rejects labels that do not match the images in count, naming both arrays', async () => {
    const file = join(t.dir, 'mismatch.npz')
    writeFileSync(
      file,
      encodeZip([
        { name: 'x.npy', data: encodeNpy('|u1', [N, 28, 28], pixels), deflate: false },
        { name: 'y.npy', data: encodeNpy('|u1', [N - 1], Uint8Array.from(labels.subarray(1))), deflate: false },
      ]),
    )
    await expect(openDataset(file)).rejects.toMatchObject({
      code: 'DATA_MISMATCH',
      message: expect.stringContaining(`mismatch.npz:y.npy holds ${N - 1} labels but mismatch.npz:x.npy holds ${N} images`),
    })
  })

  it('rejects a truncated .npy, a Fortran-order array and a damaged zip, naming the file', async () => {
    const dir = tempFolder()
    try {
      const npy = encodeNpy('|u1', [N, 28, 28], pixels)
      writeFileSync(join(dir.dir, 'x_test.npy'), npy.subarray(0, npy.length - 10))
      writeFileSync(join(dir.dir, 'y_test.npy'), encodeNpy('|u1', [N], Uint8Array.from(labels)))
      await expect(openDataset(join(dir.dir, 'x_test.npy'))).rejects.toMatchObject({
        code: 'DATA_TRUNCATED',
        message: expect.stringContaining('x_test.npy'),
      })
      writeFileSync(join(dir.dir, 'x_test.npy'), encodeNpy('|u1', [N, 28, 28], pixels, true))
      await expect(openDataset(join(dir.dir, 'x_test.npy'))).rejects.toMatchObject({
        code: 'DATA_FORMAT',
        message: expect.stringContaining('Fortran order'),
      })
      writeFileSync(join(dir.dir, 'broken.npz'), Buffer.from('PK\x03\x04 not really a zip'))
      await expect(openDataset(join(dir.dir, 'broken.npz'))).rejects.toMatchObject({
        code: 'DATA_CORRUPT',
        message: expect.stringContaining('broken.npz'),
      })
    } finally {
      dir.remove()
    }
  })

  it('says how to save labels when an images array has none', async () => {
    const dir = tempFolder()
    try {
      writeFileSync(join(dir.dir, 'only.npy'), encodeNpy('|u1', [N, 28, 28], pixels))
      await expect(openDataset(join(dir.dir, 'only.npy'))).rejects.toMatchObject({
        code: 'DATA_PAIR',
        message: expect.stringContaining('np.savez'),
      })
    } finally {
      dir.remove()
    }
  })
})
