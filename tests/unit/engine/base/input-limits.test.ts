import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { constants, deflateRawSync, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { afterAll, describe, expect, it } from 'vitest'
import { openDataset } from '../../../../src-main/engine/data'
import { LabError } from '../../../../src-main/engine/base/errors'
import { INPUT_LIMITS } from '../../../../src-main/engine/base/input-limits'
import { saveLayersModel } from '../../../../src-main/engine/models'
import { openModel } from '../../../../src-main/engine/loaders'
import { REPO, SHARED_DATA } from '../../paths'
import { readZipEntries } from '../../../../src-main/engine/models/zip-archive'
import { bytesOf, encodeNpy, encodeZip, tempFolder } from '../data/fixtures'

const SAMPLES = join(SHARED_DATA, 'samples')
const t = tempFolder('hfc-limits-')
afterAll(() => t.remove())

function folder(name: string): string {
  const dir = join(t.dir, name)
  mkdirSync(dir, { recursive: true })
  return dir
}

/** The error a call fails with; fails the test when it succeeds or throws anything but a LabError. */
async function failure(run: () => Promise<unknown>): Promise<LabError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(LabError)
  return error as LabError
}

const MiB = 2 ** 20
/** A header for `count` 28x28 uint8 images, as the start of a .npy (what the reader sees first). */
const npyHead = (count: number) => encodeNpy('|u1', [count, 28, 28], new Uint8Array(0))

/** Packed blocks of zeros, made once per size (compressing 64 MiB takes a second). */
const packedZeros = new Map<string, Uint8Array>()
function zerosPacked(kind: 'gzip' | 'deflate', bytes: number): Uint8Array {
  const key = `${kind}${bytes}`
  if (!packedZeros.has(key)) {
    const zeros = Buffer.alloc(bytes)
    packedZeros.set(key, kind === 'gzip' ? gzipSync(zeros) : deflateRawSync(zeros, { finishFlush: constants.Z_FULL_FLUSH }))
  }
  return packedZeros.get(key)!
}

/**
 * A gzip bomb: `prefix` then gzip members of `block` zeros (64 MiB pack into 64 KiB); gunzip
 * reads concatenated members as one stream, so 48 members of 64 MiB expand to 3 GiB.
 */
function gzipBomb(prefix: Uint8Array, members: number, block = 64 * MiB): Uint8Array {
  return Buffer.concat([gzipSync(prefix), ...Array.from({ length: members }, () => zerosPacked('gzip', block))])
}

/** A raw deflate stream (a zip entry): `prefix` then `segments` blocks of zeros, each full-flushed so that they chain. */
function deflateBomb(prefix: Uint8Array, segments: number, block = 64 * MiB): Uint8Array {
  const head = deflateRawSync(prefix, { finishFlush: constants.Z_FULL_FLUSH })
  return Buffer.concat([head, ...Array.from({ length: segments }, () => zerosPacked('deflate', block)), deflateRawSync(Buffer.alloc(0))])
}

/** An .npz of stored entries whose `images.npy` entry is replaced by `packed` (deflated) stating `statedSize`. */
function npzWithEntry(dir: string, packed: Uint8Array, statedSize: number): string {
  const labels = encodeNpy('|u1', [4], Uint8Array.from([0, 1, 2, 3]))
  const zip = encodeZip([
    { name: 'images.npy', data: new Uint8Array(packed.length), deflate: false },
    { name: 'labels.npy', data: labels, deflate: false },
  ])
  const view = new DataView(zip.buffer)
  const nameLength = 'images.npy'.length
  zip.set(packed, 30 + nameLength)
  view.setUint16(8, 8, true)
  const dir0 = zip.length - 22 - 2 * (46 + nameLength)
  view.setUint16(dir0 + 10, 8, true)
  view.setUint32(dir0 + 24, statedSize, true)
  const file = join(dir, 'bomb.npz')
  writeFileSync(file, zip)
  return file
}

describe('data files that state sizes they cannot hold get a named error', () => {
  it('a .npy labels array with a label of 10^9', async () => {
    const dir = folder('npy-label')
    writeFileSync(join(dir, 'images.npy'), encodeNpy('|u1', [3, 4, 4], new Uint8Array(48)))
    writeFileSync(join(dir, 'labels.npy'), encodeNpy('<i8', [3], bytesOf(BigInt64Array.from([0n, 1_000_000_000n, 2n]))))
    const error = await failure(() => openDataset(join(dir, 'images.npy')))
    expect(error.code).toBe('DATA_TOO_MANY_CLASSES')
    expect(error.message).toContain('Label 1 in labels.npy has the class label 1000000000')
    expect(error.message).toContain('100,000 classes')
  })

  it('a label of 2^40 does not wrap around to a small class index', async () => {
    const dir = folder('npy-wrap')
    writeFileSync(join(dir, 'images.npy'), encodeNpy('|u1', [1, 4, 4], new Uint8Array(16)))
    writeFileSync(join(dir, 'labels.npy'), encodeNpy('<i8', [1], bytesOf(BigInt64Array.from([2n ** 40n]))))
    expect((await failure(() => openDataset(join(dir, 'images.npy')))).code).toBe('DATA_TOO_MANY_CLASSES')
  })

  it('an image folder with a class folder named 1000000000', async () => {
    const dir = folder('class-folders')
    for (const c of ['0', '1000000000']) {
      mkdirSync(join(dir, c))
      copyFileSync(join(SAMPLES, 'mnist_00_7.png'), join(dir, c, 'a.png'))
    }
    const error = await failure(() => openDataset(dir))
    expect(error.code).toBe('DATA_TOO_MANY_CLASSES')
    expect(error.message).toContain('The class folder 1000000000')
  })

  it('a flat image folder with a file x_1000000000.png', async () => {
    const dir = folder('flat')
    copyFileSync(join(SAMPLES, 'mnist_00_7.png'), join(dir, 'a_7.png'))
    copyFileSync(join(SAMPLES, 'mnist_00_7.png'), join(dir, 'x_1000000000.png'))
    const error = await failure(() => openDataset(dir))
    expect(error.code).toBe('DATA_TOO_MANY_CLASSES')
    expect(error.message).toContain('x_1000000000.png')
  })

  it('a classes.json with the index 10^9', async () => {
    const dir = folder('classes-json')
    copyFileSync(join(SAMPLES, 'mnist_00_7.png'), join(dir, 'a_7.png'))
    writeFileSync(join(dir, 'classes.json'), JSON.stringify({ '0': 'zero', '1000000000': 'far away' }))
    const error = await failure(() => openDataset(dir))
    expect(error.code).toBe('DATA_TOO_MANY_CLASSES')
    expect(error.message).toContain('classes.json has the class label 1000000000')
  })

  it('an .npz whose entry states a compressed size far past the end of the archive', async () => {
    const dir = folder('npz-lie')
    const images = encodeNpy('|u1', [4, 28, 28], new Uint8Array(4 * 784).fill(9))
    const zip = encodeZip([
      { name: 'x.npy', data: images, deflate: true },
      { name: 'y.npy', data: encodeNpy('|u1', [4], Uint8Array.from([0, 1, 2, 3])), deflate: true },
    ])
    const dir0 = zip.length - 22 - (46 + 5) * 2
    new DataView(zip.buffer).setUint32(dir0 + 20, 0xfffffff0, true)
    writeFileSync(join(dir, 'lie.npz'), zip)
    const error = await failure(() => openDataset(join(dir, 'lie.npz')))
    expect(error.code).toBe('DATA_CORRUPT')
    expect(error.message).toMatch(/^lie\.npz is not a readable zip\/npz archive: it ends early/)
  })

  it('an .npz bomb: a deflated entry that states 3 GiB is refused before inflating', async () => {
    const dir = folder('npz-bomb-honest')
    const file = npzWithEntry(dir, deflateBomb(npyHead(4), 1), 3 * 2 ** 30)
    const error = await failure(() => openDataset(file))
    expect(error.code).toBe('DATA_TOO_LARGE')
    expect(error.message).toContain('bomb.npz:images.npy holds more than 512 MiB once decompressed')
  })

  it('an .npz bomb: a deflated entry that states 3 KiB but inflates to 3 GiB stops at the stated size', async () => {
    const dir = folder('npz-bomb-lying')
    const file = npzWithEntry(dir, deflateBomb(npyHead(4), 48), 3072 + 128)
    const error = await failure(() => openDataset(file))
    expect(error.code).toBe('DATA_CORRUPT')
    expect(error.message).toContain('images.npy inflates to more than the 3200 bytes its directory entry states')
  })

  it('a .npy.gz bomb (3 MB expanding to 3 GiB) stops at the in-memory cap', async () => {
    const dir = folder('npy-gz-bomb')
    writeFileSync(join(dir, 'x.npy.gz'), gzipBomb(npyHead(Math.floor((3 * 2 ** 30) / 784)), 48))
    writeFileSync(join(dir, 'y.npy'), encodeNpy('|u1', [4], Uint8Array.from([0, 1, 2, 3])))
    const error = await failure(() => openDataset(join(dir, 'x.npy.gz')))
    expect(error.code).toBe('DATA_TOO_LARGE')
    expect(error.message).toMatch(/^x\.npy\.gz holds more than 512 MiB once decompressed.*Decompress it yourself/)
  })

  it('a gzipped IDX images bomb stops at the in-memory cap', async () => {
    const dir = folder('idx-gz-bomb')
    const header = new Uint8Array(16)
    new DataView(header.buffer).setUint32(0, 0x00000803)
    new DataView(header.buffer).setUint32(4, 4)
    new DataView(header.buffer).setUint32(8, 28)
    new DataView(header.buffer).setUint32(12, 28)
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipBomb(header, 48))
    const labels = new Uint8Array(12)
    new DataView(labels.buffer).setUint32(0, 0x00000801)
    new DataView(labels.buffer).setUint32(4, 4)
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), labels)
    const error = await failure(() => openDataset(dir))
    expect(error.code).toBe('DATA_TOO_LARGE')
    expect(error.message).toContain('t10k-images-idx3-ubyte.gz holds more than 512 MiB')
  })

  it('an IDX file stating images of 0 or 100,000 pixels a side', async () => {
    for (const side of [0, 100_000]) {
      const dir = folder(`idx-side-${side}`)
      const header = new Uint8Array(16)
      const v = new DataView(header.buffer)
      v.setUint32(0, 0x00000803)
      v.setUint32(4, 1)
      v.setUint32(8, side)
      v.setUint32(12, 1)
      writeFileSync(join(dir, 'a-images-idx3-ubyte'), Buffer.concat([header, Buffer.alloc(side)]))
      writeFileSync(join(dir, 'a-labels-idx1-ubyte'), Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 1, 0]))
      expect((await failure(() => openDataset(dir))).code).toBe('DATA_IMAGE_SIZE')
    }
  })
})

describe('models that state sizes they cannot hold get a named error', () => {
  it('a model whose input is 8000x8000x3 is refused before anything runs on it', async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.globalAveragePooling2d({ inputShape: [8000, 8000, 3] }), tfl.layers.dense({ units: 2 })],
    })
    const dir = join(t.dir, 'huge-input')
    await saveLayersModel(model, dir)
    model.dispose()
    const error = await failure(() => openModel(dir))
    expect(error.code).toBe('MODEL_INPUT_TOO_LARGE')
    expect(error.message).toContain('takes inputs of 8000x8000x3')
    expect(INPUT_LIMITS.maxInputElements).toBe(2048 * 2048 * 3)
  })

  it('a Keras configuration that states a layer far larger than the weights the file holds is refused before allocating it', async () => {
    const tiny = readZipEntries(readFileSync(join(REPO, 'tests', 'fixtures', 'keras', 'tiny.keras')), 'tiny.keras')
    const config = JSON.parse(new TextDecoder().decode(tiny.get('config.json')))
    config.config.layers[3].config.units = 10_000_000
    const file = join(folder('huge-layer'), 'huge.keras')
    writeFileSync(
      file,
      encodeZip([
        { name: 'config.json', data: new TextEncoder().encode(JSON.stringify(config)), deflate: true },
        { name: 'model.weights.h5', data: tiny.get('model.weights.h5')!, deflate: false },
      ]),
    )
    const before = tf.memory().numBytes
    const error = await failure(() => openModel(file))
    expect(error.code).toBe('MODEL_WEIGHTS_MISMATCH')
    expect(error.message).toContain(
      'asks for a weight of shape [32, 10000000] (320000000 values), larger than any weight array the file holds (96 values)',
    )
    // Nothing near the 1.28 GB the layer states was allocated (the 20 values of the conv layer built before it stay).
    expect(tf.memory().numBytes - before).toBeLessThan(1024)
  })

  it('a TF.js model.json that states a layer far larger than its weight shards is refused before allocating it', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [4, 4, 1] }), tfl.layers.dense({ units: 3 })] })
    const dir = join(t.dir, 'huge-layer-tfjs')
    await saveLayersModel(model, dir)
    model.dispose()
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'))
    json.modelTopology.config.layers[1].config.units = 10_000_000
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json))
    const before = tf.memory().numBytes
    const error = await failure(() => openModel(dir))
    expect(error.code).toBe('MODEL_WEIGHTS_MISMATCH')
    expect(error.message).toContain(
      'asks for a weight of shape [16, 10000000] (160000000 values), larger than any weight array the file holds (48 values)',
    )
    expect(tf.memory().numBytes - before).toBeLessThan(1024)
  })

  it('a .keras archive whose config.json inflates past its stated size', async () => {
    const dir = folder('keras-bomb')
    const zip = encodeZip([{ name: 'config.json', data: new Uint8Array(2048), deflate: false }])
    const packed = deflateBomb(new TextEncoder().encode('{"class_name": "Sequential"'), 4)
    const file = join(dir, 'bomb.keras')
    const out = new Uint8Array(zip.length - 2048 + packed.length)
    out.set(zip.subarray(0, 30 + 11))
    out.set(packed, 30 + 11)
    out.set(zip.subarray(30 + 11 + 2048), 30 + 11 + packed.length)
    const v = new DataView(out.buffer)
    const dir0 = 30 + 11 + packed.length
    v.setUint16(8, 8, true)
    v.setUint32(18, packed.length, true)
    v.setUint16(dir0 + 10, 8, true)
    v.setUint32(dir0 + 20, packed.length, true)
    v.setUint32(out.length - 22 + 16, dir0, true)
    writeFileSync(file, out)
    const error = await failure(() => openModel(file))
    expect(error.code).toBe('MODEL_BAD_ARCHIVE')
    expect(error.message).toContain('entry config.json inflates to more than the 2048 bytes it states')
  })
})

it('the bomb fixtures are well-formed streams (so the cap, not a decoding error, stops them)', () => {
  const prefix = new TextEncoder().encode('head')
  expect(gzipBomb(prefix, 48).length).toBeLessThan(4 * MiB)
  for (const out of [gunzipSync(gzipBomb(prefix, 3, MiB)), inflateRawSync(deflateBomb(prefix, 3, MiB))]) {
    expect(out.length).toBe(4 + 3 * MiB)
    expect(out.subarray(0, 4)).toEqual(Buffer.from(prefix))
    expect(out.subarray(4).every((b) => b === 0)).toBe(true)
  }
})
