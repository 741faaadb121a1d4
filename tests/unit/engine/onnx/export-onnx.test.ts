import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerFastWasmOps } from '../../../../src-main/engine/ops'
import { lowPassKernels, paperCnn } from '../../../../src-main/engine/models'
import { openModel } from '../../../../src-main/engine/loaders'
import { createOrtSession, exportOnnx, loadOnnxRuntime, openOnnxModel } from '../../../../src-main/engine/onnx'
import { decodeModelProto } from '../../../../src-main/engine/onnx/onnx-proto'
import { HAS_FIXTURES, NEEDS_FIXTURES, SHARED_FIXTURES } from '../../paths'
import { fixtureBatch, maxAbsDiff, ONNX_FIXTURES, readNpy } from './fixtures'

const scratch = mkdtempSync(join(tmpdir(), 'hfc-export-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
beforeAll(() => registerFastWasmOps())

const KERAS = join(SHARED_FIXTURES, 'keras')

/** The first 8 reference inputs of a Keras fixture as [0, 1] NHWC images. */
function kerasImages(name: string): tf.Tensor4D {
  const input = readNpy(join(KERAS, `${name}_input_first16.npy`))
  return tf.tidy(() => tf.div(tf.slice(tf.tensor(input.data, input.shape), 0, 8), 255) as tf.Tensor4D)
}

// Needs the third-party Keras fixtures; the name says so when they are missing.
const KERAS_ROUND_TRIP = 'third-party Keras $file: onnxruntime and the ONNX converter reproduce the TF.js logits (1e-4)' + NEEDS_FIXTURES

describe('exportOnnx round trips', () => {
  it.skipIf(!HAS_FIXTURES).each([
    { file: 'mnist_kilneta_keras2_10.h5', range: undefined },
    { file: 'mnist_mpkuse_tfkeras2_2_4.h5', range: [0, 255] as [number, number] },
    { file: 'cifar10_nikhilnitr_keras2_15_bn.h5', range: undefined },
    { file: 'cifar10_sudosidd_keras3_9.keras', range: undefined },
  ])(KERAS_ROUND_TRIP, async ({ file, range }) => {
    const ort = await loadOnnxRuntime()
    const keras = await openModel(join(KERAS, file), range ? { inputRange: range } : {})
    const images = kerasImages(file.replace(/\.(h5|keras)$/, ''))
    try {
      const expected = tf.tidy(() => keras.logits(images).dataSync())
      const bytes = exportOnnx(keras.model!, { inputRange: keras.info.inputRange, classes: keras.info.classes })
      const session = await createOrtSession(bytes)
      const model = decodeModelProto(bytes)
      const dims = model.graph!.input![0].type!.tensorType!.shape!.dim!.map((d) => d.dimParam || d.dimValue)
      expect(dims).toEqual(['batch', ...[images.shape[3], images.shape[1], images.shape[2]]])
      const [lo, hi] = keras.info.inputRange
      const nchw = tf.tidy(() => tf.transpose(tf.add(tf.mul(images, hi - lo), lo), [0, 3, 1, 2]))
      const out = await session.run({ input: new ort.Tensor('float32', nchw.dataSync() as Float32Array, nchw.shape) })
      expect(maxAbsDiff(out.logits.data as Float32Array, expected)).toBeLessThan(1e-4)
      await session.release()
      nchw.dispose()

      const path = join(scratch, file.replace(/\.(h5|keras)$/, '.onnx'))
      writeFileSync(path, bytes)
      const back = await openOnnxModel(path)
      try {
        expect(back.info.inputRange).toEqual(keras.info.inputRange)
        expect(back.info.inputRangeSource).toBe('metadata')
        expect(back.info.inputShape).toEqual(keras.info.inputShape)
        expect(
          maxAbsDiff(
            tf.tidy(() => back.logits(images).dataSync()),
            expected,
          ),
        ).toBeLessThan(1e-4)
      } finally {
        back.dispose()
      }
    } finally {
      images.dispose()
      keras.dispose()
    }
  })

  it('a D2-filtered ONNX model goes back to ONNX with its filtered kernels', async () => {
    const model = await openOnnxModel(join(ONNX_FIXTURES, 'reshape_zoo_mnist.onnx'), { inputRange: [0, 255] })
    const filtered = await lowPassKernels(model, 1)
    try {
      const path = join(scratch, 'zoo_d2.onnx')
      writeFileSync(path, exportOnnx(filtered.model!, { inputRange: [0, 255] }))
      const back = await openOnnxModel(path)
      try {
        const { images } = fixtureBatch('reshape_zoo_mnist')
        const x = tf.tensor4d(images.data, images.shape as [number, number, number, number])
        const expected = tf.tidy(() => filtered.logits(x).dataSync())
        expect(
          maxAbsDiff(
            tf.tidy(() => back.logits(x).dataSync()),
            expected,
          ),
        ).toBeLessThan(1e-4)
        x.dispose()
      } finally {
        back.dispose()
      }
    } finally {
      filtered.dispose()
      model.dispose()
    }
  })

  it('writes the paper CNN with an NCHW input and dynamic batch for PyTorch users', () => {
    const net = paperCnn([28, 28, 1], 10)
    try {
      const model = decodeModelProto(exportOnnx(net, { classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] }))
      expect(model.opsetImport).toEqual([{ domain: '', version: 17 }])
      expect(model.graph!.node!.map((n) => n.opType)).toEqual([
        'Conv',
        'Relu',
        'MaxPool',
        'Conv',
        'Relu',
        'MaxPool',
        'Transpose',
        'Flatten',
        'Gemm',
        'Relu',
        'Gemm',
        'Identity',
      ])
      expect(model.metadataProps?.find((p) => p.key === 'hfc_lab.classes')?.value).toBe('["0","1","2","3","4","5","6","7","8","9"]')
    } finally {
      net.dispose()
    }
  })
})
