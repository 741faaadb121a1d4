import { copyFile, mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveLayersModel } from '../../../../src-main/engine/models'
import { openModel } from '../../../../src-main/engine/loaders'
import { RESOURCES, SHARED_FIXTURES } from '../../paths'
import { itWithFixtures } from '../../needs-data'

function smallModel(): tfl.Sequential {
  const model = tfl.sequential()
  model.add(
    tfl.layers.conv2d({
      name: 'c1',
      inputShape: [8, 8, 1],
      filters: 4,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      biasInitializer: tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 2 }),
    }),
  )
  model.add(tfl.layers.flatten({ name: 'f' }))
  model.add(
    tfl.layers.dense({ name: 'd', units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
  )
  return model
}

const images = (): tf.Tensor4D => tf.randomUniform([5, 8, 8, 1], 0, 1, 'float32', 4) as tf.Tensor4D

describe('TF.js Layers loader', () => {
  let dir: string
  let reference: tfl.Sequential

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hfc-models-'))
    reference = smallModel()
    await saveLayersModel(reference, join(dir, 'plain'), { metadata: { hfcLab: { inputRange: [0, 255], classes: ['a', 'b', 'c'] } } })
    await saveLayersModel(reference, join(dir, 'half'), { float16: true })
  })

  afterAll(async () => {
    reference.dispose()
    await rm(dir, { recursive: true, force: true })
  })

  const copyOf = async (name: string): Promise<string> => {
    const target = join(dir, `${name}-${Math.random().toString(36).slice(2)}`)
    await saveLayersModel(reference, target)
    return target
  }

  it('reads model.json and its shard from a folder, takes range and classes from hfcLab metadata, and gives logits', async () => {
    const model = await openModel(join(dir, 'plain'))
    try {
      expect(model.info).toMatchObject({
        format: 'tfjs-layers',
        inputShape: [8, 8, 1],
        inputRange: [0, 255],
        inputRangeSource: 'metadata',
        classes: ['a', 'b', 'c'],
        classesSource: 'metadata',
        outputSoftmaxRemoved: true,
        gradients: true,
        totalParams: 40 + 6 * 6 * 4 * 3 + 3,
      })
      expect(model.info.files?.map((f) => f.path.split('/').pop())).toEqual(['model.json', 'weights.bin'])
      // The classifier takes [0, 1] images and scales them to the model's [0, 255].
      const x = images()
      const ours = tf.tidy(() => tf.softmax(model.logits(x)).dataSync())
      const theirs = tf.tidy(() => (reference.predict(tf.mul(x, 255)) as tf.Tensor).dataSync())
      x.dispose()
      for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i] - theirs[i])).toBeLessThan(1e-5)
    } finally {
      model.dispose()
    }
  })

  it('reads float16 weights to within float16 rounding and assumes [0, 1] without metadata', async () => {
    const model = await openModel(join(dir, 'half', 'model.json'))
    try {
      expect(model.info.inputRange).toEqual([0, 1])
      expect(model.info.inputRangeSource).toBe('assumed')
      expect(model.info.classes).toEqual(['0', '1', '2'])
      const original = reference.getWeights().map((w) => w.dataSync())
      const loaded = model.model!.getWeights().map((w) => w.dataSync())
      original.forEach((w, i) => w.forEach((v, j) => expect(Math.abs(v - loaded[i][j])).toBeLessThanOrEqual(Math.abs(v) * 1e-3 + 1e-7)))
    } finally {
      model.dispose()
    }
  })

  it('takes the input range from the options when the file gives none', async () => {
    const model = await openModel(join(dir, 'half'), { inputRange: [0, 255] })
    expect(model.info.inputRangeSource).toBe('option')
    model.dispose()
  })

  it('refuses a model.json whose weight file is missing, naming the file', async () => {
    const target = await copyOf('missing')
    await unlink(join(target, 'weights.bin'))
    await expect(openModel(target)).rejects.toMatchObject({
      code: 'MODEL_WEIGHTS_MISSING',
      message: expect.stringContaining('weights.bin'),
    })
  })

  it('refuses a truncated weight file', async () => {
    const target = await copyOf('truncated')
    await truncate(join(target, 'weights.bin'), 100)
    await expect(openModel(target)).rejects.toMatchObject({ code: 'MODEL_WEIGHTS_SIZE' })
  })

  it('refuses an unsupported layer, naming it and its type', async () => {
    const target = await copyOf('lambda')
    const json = JSON.parse(await readFile(join(target, 'model.json'), 'utf8'))
    json.modelTopology.config.layers.splice(1, 0, { class_name: 'Lambda', config: { name: 'my_lambda', function: 'x' } })
    await writeFile(join(target, 'model.json'), JSON.stringify(json))
    await expect(openModel(target)).rejects.toMatchObject({
      code: 'MODEL_UNSUPPORTED_LAYER',
      message: expect.stringMatching(/Lambda \('my_lambda'\)/),
    })
  })

  it('refuses broken JSON, a model.json without weights, unknown files and missing paths', async () => {
    const target = await copyOf('broken')
    const text = await readFile(join(target, 'model.json'), 'utf8')
    await writeFile(join(target, 'model.json'), text.slice(0, 200))
    await expect(openModel(target)).rejects.toMatchObject({ code: 'MODEL_BAD_JSON' })
    const json = JSON.parse(text)
    delete json.weightsManifest
    await writeFile(join(target, 'model.json'), JSON.stringify(json))
    await expect(openModel(target)).rejects.toMatchObject({ code: 'MODEL_WEIGHTS_MISSING' })
    const jpeg = join(RESOURCES, 'datasets', 'imagenet-samples', '129', 'imagenet_14_129.jpg')
    await expect(openModel(jpeg)).rejects.toMatchObject({ code: 'MODEL_UNKNOWN_FORMAT' })
    await expect(openModel(join(dir, 'nowhere.h5'))).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' })
  })

  itWithFixtures('refuses truncated Keras .h5 and .keras files with a clear error', async () => {
    const h5 = join(dir, 'cut.h5')
    await copyFile(join(SHARED_FIXTURES, 'keras', 'mnist_kilneta_keras2_10.h5'), h5)
    await truncate(h5, 4096)
    await expect(openModel(h5)).rejects.toMatchObject({ code: 'MODEL_BAD_HDF5' })
    const archive = join(dir, 'cut.keras')
    await copyFile(join(SHARED_FIXTURES, 'keras', 'cifar10_sudosidd_keras3_9.keras'), archive)
    await truncate(archive, 100_000)
    await expect(openModel(archive)).rejects.toMatchObject({ code: 'MODEL_BAD_ARCHIVE' })
  })
})
