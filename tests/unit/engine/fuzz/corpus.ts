import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import * as tfl from '@tensorflow/tfjs-layers'
import sharp from 'sharp'
import { saveLayersModel } from '../../../../src-main/engine/models'
import { REPO, RESOURCES } from '../../paths'
import { encodeBmp, encodeNpy, encodeZip } from '../data/fixtures'
import type { MutationKind } from './mutations'

/**
 * One well-formed input per reader and loader, small enough that a case takes milliseconds: the
 * files of a data set or model (relative path -> bytes), which one the fuzzer damages, and what
 * to open. Everything is built from the repository's own resources and fixtures.
 */
export interface FuzzTarget {
  name: string
  kind: 'data' | 'model'
  files: Record<string, Uint8Array>
  /** The file that gets mutated. */
  mutate: string
  /** The path handed to openDataset/openModel (a file or '.' for the folder). */
  open: string
  /** Cases this target gets out of the total. */
  cases: number
  /** Mutations to draw from, when not all apply. */
  mutations?: readonly MutationKind[]
}

function idxHeader(dims: number[], typeCode = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length)
  const v = new DataView(out.buffer)
  out.set([0, 0, typeCode, dims.length])
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d))
  return out
}

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts))

export async function buildCorpus(scratch: string): Promise<FuzzTarget[]> {
  const N = 12
  const mnist = join(RESOURCES, 'datasets', 'mnist')
  const pixels = gunzipSync(readFileSync(join(mnist, 't10k-images-idx3-ubyte.gz'))).subarray(16, 16 + N * 784)
  const labels = gunzipSync(readFileSync(join(mnist, 't10k-labels-idx1-ubyte.gz'))).subarray(8, 8 + N)
  const idxImages = concat(idxHeader([N, 28, 28]), pixels)
  const idxLabels = concat(idxHeader([N]), labels)
  const cifar = readFileSync(join(RESOURCES, 'datasets', 'cifar10', 'test_batch.bin')).subarray(0, 8 * 3073)
  const cifarMeta = readFileSync(join(RESOURCES, 'datasets', 'cifar10', 'batches.meta.txt'))
  const npyImages = encodeNpy('|u1', [N, 28, 28], pixels)
  const npyLabels = encodeNpy('<i8', [N], new Uint8Array(BigInt64Array.from(labels, (l) => BigInt(l)).buffer))

  // Images: a gray PNG and a colour JPEG built from the data above, a BMP from the fixture encoder.
  const rgb = new Uint8Array(32 * 32 * 3)
  for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = cifar[1 + c * 1024 + p]
  const png = new Uint8Array(
    await sharp(Buffer.from(pixels.subarray(0, 784)), { raw: { width: 28, height: 28, channels: 1 } })
      .png()
      .toBuffer(),
  )
  const jpeg = new Uint8Array(
    await sharp(Buffer.from(rgb), { raw: { width: 32, height: 32, channels: 3 } })
      .jpeg()
      .toBuffer(),
  )
  const bmp = encodeBmp(rgb, 32, 32, 24)

  // A TF.js Layers model saved by the project's own writer.
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 2,
        kernelSize: 3,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
    ],
  })
  const tfjsDir = join(scratch, 'tfjs-seed')
  await saveLayersModel(model, tfjsDir)
  model.dispose()
  const modelJson = new Uint8Array(readFileSync(join(tfjsDir, 'model.json')))
  const weights = new Uint8Array(readFileSync(join(tfjsDir, 'weights.bin')))

  const keras = join(REPO, 'tests', 'fixtures', 'keras')
  const onnx = new Uint8Array(readFileSync(join(REPO, 'tests', 'fixtures', 'onnx', 'reshape_zoo_mnist.onnx')))
  const classes = new TextEncoder().encode(JSON.stringify({ 0: 'zero', 1: 'one', 2: 'two' }))

  const idxPair = { 't10k-images-idx3-ubyte': idxImages, 't10k-labels-idx1-ubyte': idxLabels }
  const npyPair = { 'images.npy': npyImages, 'labels.npy': npyLabels }
  const folder = {
    'classes.json': classes,
    '0/a.png': png,
    '0/b.bmp': bmp,
    '1/a.jpg': jpeg,
    '2/a.png': png,
  }
  return [
    { name: 'idx images', kind: 'data', files: idxPair, mutate: 't10k-images-idx3-ubyte', open: '.', cases: 12 },
    { name: 'idx labels', kind: 'data', files: idxPair, mutate: 't10k-labels-idx1-ubyte', open: '.', cases: 6 },
    {
      name: 'idx.gz images',
      kind: 'data',
      files: { 't10k-images-idx3-ubyte.gz': new Uint8Array(gzipSync(idxImages)), 't10k-labels-idx1-ubyte': idxLabels },
      mutate: 't10k-images-idx3-ubyte.gz',
      open: '.',
      cases: 10,
    },
    {
      name: 'cifar-10 binary',
      kind: 'data',
      files: { 'test_batch.bin': cifar, 'batches.meta.txt': cifarMeta },
      mutate: 'test_batch.bin',
      open: 'test_batch.bin',
      cases: 10,
    },
    { name: 'npy images', kind: 'data', files: npyPair, mutate: 'images.npy', open: 'images.npy', cases: 10 },
    { name: 'npy labels', kind: 'data', files: npyPair, mutate: 'labels.npy', open: 'images.npy', cases: 6 },
    {
      name: 'npz stored',
      kind: 'data',
      files: {
        'set.npz': encodeZip([
          { name: 'x_test.npy', data: npyImages, deflate: false },
          { name: 'y_test.npy', data: npyLabels, deflate: false },
        ]),
      },
      mutate: 'set.npz',
      open: 'set.npz',
      cases: 10,
    },
    {
      name: 'npz deflated',
      kind: 'data',
      files: {
        'set.npz': encodeZip([
          { name: 'x_test.npy', data: npyImages, deflate: true },
          { name: 'y_test.npy', data: npyLabels, deflate: true },
        ]),
      },
      mutate: 'set.npz',
      open: 'set.npz',
      cases: 10,
    },
    { name: 'png image', kind: 'data', files: { 'a_7.png': png }, mutate: 'a_7.png', open: 'a_7.png', cases: 8 },
    { name: 'jpeg image', kind: 'data', files: { 'a_3.jpg': jpeg }, mutate: 'a_3.jpg', open: 'a_3.jpg', cases: 8 },
    { name: 'bmp image', kind: 'data', files: { 'a_3.bmp': bmp }, mutate: 'a_3.bmp', open: 'a_3.bmp', cases: 8 },
    { name: 'image folder classes.json', kind: 'data', files: folder, mutate: 'classes.json', open: '.', cases: 6 },
    { name: 'image folder image', kind: 'data', files: folder, mutate: '0/b.bmp', open: '.', cases: 4 },
    {
      name: 'tfjs model.json',
      kind: 'model',
      files: { 'model.json': modelJson, 'weights.bin': weights },
      mutate: 'model.json',
      open: '.',
      cases: 8,
    },
    {
      name: 'tfjs weights',
      kind: 'model',
      files: { 'model.json': modelJson, 'weights.bin': weights },
      mutate: 'weights.bin',
      open: '.',
      cases: 6,
    },
    {
      name: 'keras h5',
      kind: 'model',
      files: { 'tiny.h5': new Uint8Array(readFileSync(join(keras, 'tiny.h5'))) },
      mutate: 'tiny.h5',
      open: 'tiny.h5',
      cases: 8,
      // Not 'number': a digit run replaced inside the HDF5 binary shifts every later byte, and
      // h5wasm then spins reading the model_config attribute (see the README's known limits).
      mutations: ['truncate', 'bitflip', 'huge'],
    },
    {
      name: 'keras archive',
      kind: 'model',
      files: { 'tiny.keras': new Uint8Array(readFileSync(join(keras, 'tiny.keras'))) },
      mutate: 'tiny.keras',
      open: 'tiny.keras',
      cases: 8,
    },
    { name: 'onnx', kind: 'model', files: { 'model.onnx': onnx }, mutate: 'model.onnx', open: 'model.onnx', cases: 10 },
  ]
}
