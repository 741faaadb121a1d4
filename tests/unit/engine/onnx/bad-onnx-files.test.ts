import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, describe, expect, it } from 'vitest'
import { labErrorOf } from '../lab-error-of'
import { openOnnxModel } from '../../../../src-main/engine/onnx'
import { decodeModelProto, encodeModelProto } from '../../../../src-main/engine/onnx/onnx-proto'
import { fixtureBatch, maxAbsDiff, ONNX_FIXTURES } from './fixtures'

const scratch = mkdtempSync(join(tmpdir(), 'hfc-onnx-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const MNIST = join(ONNX_FIXTURES, 'mnist_cnn_narrow.onnx')

function write(name: string, bytes: Uint8Array): string {
  const path = join(scratch, name)
  writeFileSync(path, bytes)
  return path
}

const failure = (path: string) => labErrorOf(openOnnxModel(path))

describe('ONNX files HFC Lab cannot use fail with a LabError that says what to do', () => {
  it('a truncated file', async () => {
    const bytes = readFileSync(MNIST)
    for (const cut of [100, 5000, bytes.length - 10]) {
      const error = await failure(write(`truncated_${cut}.onnx`, bytes.subarray(0, cut)))
      expect(error.code).toMatch(/^MODEL_ONNX_(CORRUPT|MISSING_TENSOR)$/)
      expect(error.message).toMatch(/export|copy/)
    }
  })

  it('a file that is not ONNX at all', async () => {
    const error = await failure(write('text.onnx', new TextEncoder().encode('this is not a protobuf model\n'.repeat(20))))
    expect(error.code).toBe('MODEL_ONNX_CORRUPT')
  })

  it('an operator HFC Lab does not convert, naming the op, its node and what to do', async () => {
    const error = await failure(join(ONNX_FIXTURES, 'einsum_unsupported.onnx'))
    expect(error.code).toBe('MODEL_UNSUPPORTED_OP')
    expect(error.message).toContain("node '/Einsum'")
    expect(error.message).toContain('Einsum')
    expect(error.message).toMatch(/export again/)
    expect(error.detail).toBe('Einsum')
  })

  it('a missing initializer', async () => {
    const model = decodeModelProto(readFileSync(MNIST))
    model.graph!.initializer = model.graph!.initializer!.filter((t) => t.name !== 'conv2.weight')
    const error = await failure(write('missing.onnx', encodeModelProto(model)))
    expect(error.code).toBe('MODEL_ONNX_MISSING_TENSOR')
    expect(error.message).toContain("'conv2.weight'")
    expect(error.message).toContain("'/conv2/Conv'")
  })
})

describe('external data', () => {
  /** The MNIST fixture with fc1.weight moved into weights.bin beside the model, as onnx's save_model(..., save_as_external_data=True) does. */
  function externalised(): string {
    const model = decodeModelProto(readFileSync(MNIST))
    const fc1 = model.graph!.initializer!.find((t) => t.name === 'fc1.weight')!
    const raw = fc1.rawData!
    const padding = new Uint8Array(64)
    writeFileSync(join(scratch, 'weights.bin'), Buffer.concat([padding, raw]))
    fc1.rawData = new Uint8Array()
    fc1.dataLocation = 1
    fc1.externalData = [
      { key: 'location', value: 'weights.bin' },
      { key: 'offset', value: '64' },
      { key: 'length', value: String(raw.length) },
    ]
    return write('external.onnx', encodeModelProto(model))
  }

  it('reads weights from a data file beside the model and records both files', async () => {
    const path = externalised()
    const model = await openOnnxModel(path)
    try {
      expect(model.info.files?.map((f) => f.path.split('/').pop())).toEqual(['external.onnx', 'weights.bin'])
      const { images, logits } = fixtureBatch('mnist_cnn_narrow')
      const ours = tf.tidy(() => model.logits(tf.tensor4d(images.data, images.shape as [number, number, number, number])).dataSync())
      expect(maxAbsDiff(ours, logits.data)).toBeLessThan(1e-4)
    } finally {
      model.dispose()
    }
  })

  it('says which data file to copy when it is missing', async () => {
    const path = externalised()
    rmSync(join(scratch, 'weights.bin'))
    const error = await failure(path)
    expect(error.code).toBe('MODEL_ONNX_EXTERNAL')
    expect(error.message).toContain('weights.bin')
  })
})
