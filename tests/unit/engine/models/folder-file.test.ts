import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tfl from '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labErrorOf } from '../lab-error-of'
import { saveLayersModel } from '../../../../src-main/engine/models'
import { openModel } from '../../../../src-main/engine/loaders'
import { readFolderFile } from '../../../../src-main/engine/models/folder-file'
import { decodeModelProto, encodeModelProto } from '../../../../src-main/engine/onnx/onnx-proto'
import { tempFolder } from '../data/fixtures'
import { ONNX_FIXTURES } from '../onnx/fixtures'

const t = tempFolder('hfc-confine-')
/** A file outside every model folder, whose size must never show in a message. */
const SECRET = join(t.dir, 'secret.txt')
const SECRET_BYTES = 1234567

let weightsBytes = 0
beforeAll(async () => {
  writeFileSync(SECRET, Buffer.alloc(SECRET_BYTES, 65))
  const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [4, 4, 1] }), tfl.layers.dense({ units: 2 })] })
  await saveLayersModel(model, join(t.dir, 'base'))
  model.dispose()
  weightsBytes = statSync(join(t.dir, 'base', 'weights.bin')).size
})
afterAll(() => t.remove())

/** A copy of the base model whose manifest names `path` as its one weight file; `prepare` sets up the folder. */
function modelNaming(name: string, path: string, prepare: (dir: string) => void = () => {}): string {
  const dir = join(t.dir, name, 'model')
  mkdirSync(dir, { recursive: true })
  const json = JSON.parse(readFileSync(join(t.dir, 'base', 'model.json'), 'utf8'))
  json.weightsManifest[0].paths = [path]
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json))
  prepare(dir)
  return dir
}

const failure = (path: string) => labErrorOf(openModel(path))

describe('TF.js weight paths are confined to the model folder', () => {
  it('refuses ../ paths, absolute paths, /dev/zero and links leading out, saying nothing about the file outside', async () => {
    const cases: [string, string, (dir: string) => void][] = [
      ['dotdot', '../../secret.txt', () => {}],
      ['deep-dotdot', '../../../../../../../../etc/passwd', () => {}],
      ['absolute', SECRET, () => {}],
      ['dev-zero', '/dev/zero', () => {}],
      ['link-out', 'weights.bin', (dir) => symlinkSync(SECRET, join(dir, 'weights.bin'))],
      ['link-dev-zero', 'weights.bin', (dir) => symlinkSync('/dev/zero', join(dir, 'weights.bin'))],
      ['missing', 'weights.bin', () => {}],
    ]
    const messages: string[] = []
    for (const [name, path, prepare] of cases) {
      const dir = modelNaming(name, path, prepare)
      const error = await failure(dir)
      expect(error.code, name).toBe('MODEL_WEIGHTS_MISSING')
      expect(error.message).not.toContain(String(SECRET_BYTES))
      expect(error.message).not.toMatch(/\d{4,} bytes/)
      messages.push(error.message.replace(path, '<path>').replace(dir, '<dir>'))
    }
    // The same sentence whether the file outside exists, is a device or is missing.
    expect(new Set(messages).size).toBe(1)
  })

  it('refuses a FIFO named as the weight file without blocking on it, and a device or FIFO chosen as the model', async () => {
    const dir = modelNaming('fifo', 'weights.bin', (d) => execFileSync('mkfifo', [join(d, 'weights.bin')]))
    expect((await failure(dir)).code).toBe('MODEL_WEIGHTS_MISSING')
    expect((await failure('/dev/zero')).code).toBe('MODEL_NOT_FILE')
    expect((await failure(join(dir, 'weights.bin'))).code).toBe('MODEL_NOT_FILE')
  })

  it('refuses a weight file larger than the manifest describes without reading it', async () => {
    const dir = modelNaming('big', 'weights.bin', (d) => writeFileSync(join(d, 'weights.bin'), Buffer.alloc(weightsBytes + 1)))
    const error = await failure(dir)
    expect(error.code).toBe('MODEL_WEIGHTS_SIZE')
    expect(error.message).toContain(`${weightsBytes + 1} bytes, more than the ${weightsBytes} bytes`)
  })

  it('follows a link that stays inside the folder', async () => {
    const dir = modelNaming('link-in', 'shards/w.bin', (d) => {
      mkdirSync(join(d, 'shards'))
      writeFileSync(join(d, 'real.bin'), readFileSync(join(t.dir, 'base', 'weights.bin')))
      symlinkSync('../real.bin', join(d, 'shards', 'w.bin'))
    })
    const model = await openModel(dir)
    expect(model.info.inputShape).toEqual([4, 4, 1])
    model.dispose()
  })

  it('readFolderFile refuses the folder itself and a name that only starts with two dots', () => {
    const dir = join(t.dir, 'dots')
    mkdirSync(dir)
    writeFileSync(join(dir, '..data'), 'x')
    expect(readFolderFile(dir, '..data', 10)).toMatchObject({ bytes: new Uint8Array([0x78]) })
    expect(readFolderFile(dir, '.', 10)).toEqual({ refused: true })
  })
})

describe('ONNX external data is confined to the model folder after resolving links', () => {
  const MNIST = join(ONNX_FIXTURES, 'mnist_cnn_narrow.onnx')

  /** The MNIST fixture with fc1.weight stored in `location`, and the real bytes written to `dataFile`. */
  function externalised(name: string, location: string, dataFile: string): string {
    const dir = join(t.dir, name)
    mkdirSync(dir, { recursive: true })
    const model = decodeModelProto(readFileSync(MNIST))
    const fc1 = model.graph!.initializer!.find((x) => x.name === 'fc1.weight')!
    writeFileSync(dataFile, fc1.rawData!)
    fc1.externalData = [{ key: 'location', value: location }]
    fc1.rawData = new Uint8Array()
    fc1.dataLocation = 1
    const path = join(dir, 'model.onnx')
    writeFileSync(path, encodeModelProto(model))
    return path
  }

  it('refuses a symlink in the model folder that leads to data outside it', async () => {
    const outside = join(t.dir, 'outside-weights.bin')
    const path = externalised('onnx-link-out', 'weights.bin', outside)
    symlinkSync(outside, join(t.dir, 'onnx-link-out', 'weights.bin'))
    const error = await failure(path)
    expect(error.code).toBe('MODEL_ONNX_EXTERNAL')
    expect(error.message).toContain('links leading out of the folder are not followed')
    // The same data beside the model opens.
    rmSync(join(t.dir, 'onnx-link-out', 'weights.bin'))
    writeFileSync(join(t.dir, 'onnx-link-out', 'weights.bin'), readFileSync(outside))
    const model = await openModel(path)
    expect(model.info.files?.map((f) => f.path.split('/').pop())).toEqual(['model.onnx', 'weights.bin'])
    model.dispose()
  })

  it('refuses a ../ location and /dev/zero', async () => {
    for (const location of ['../outside2.bin', '/dev/zero']) {
      const path = externalised(`onnx-${location.length}`, location, join(t.dir, 'outside2.bin'))
      expect((await failure(path)).code).toBe('MODEL_ONNX_EXTERNAL')
    }
  })
})
