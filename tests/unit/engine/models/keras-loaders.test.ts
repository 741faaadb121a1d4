import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import h5wasm from 'h5wasm'
import * as tf from '@tensorflow/tfjs-core'
import { expect, it } from 'vitest'
import { openModel } from '../../../../src-main/engine/loaders'
import { SHARED_FIXTURES } from '../../paths'
import { describeWithFixtures } from '../../needs-data'
import { readNpy } from './npy'

const KERAS = join(SHARED_FIXTURES, 'keras')

// Third-party Keras files (shared/fixtures/keras/README.md) with the reference outputs of an
// independent numpy forward pass on their first 16 inputs.
const FIXTURES = [
  {
    name: 'mnist_kilneta_keras2_10',
    file: 'mnist_kilneta_keras2_10.h5',
    format: 'keras-h5 (Keras 2.10.0)',
    shape: [28, 28, 1],
    params: 242_062,
    range: undefined,
  },
  {
    name: 'mnist_mpkuse_tfkeras2_2_4',
    file: 'mnist_mpkuse_tfkeras2_2_4.h5',
    format: 'keras-h5 (Keras 2.2.4-tf)',
    shape: [28, 28, 1],
    params: 389_130,
    range: [0, 255] as [number, number],
  },
  {
    name: 'cifar10_nikhilnitr_keras2_15_bn',
    file: 'cifar10_nikhilnitr_keras2_15_bn.h5',
    format: 'keras-h5 (Keras 2.15.0)',
    shape: [32, 32, 3],
    params: 179_418,
    range: undefined,
  },
  {
    name: 'cifar10_sudosidd_keras3_9',
    file: 'cifar10_sudosidd_keras3_9.keras',
    format: 'keras-v3 (Keras 3.9.2)',
    shape: [32, 32, 3],
    params: 188_810,
    range: undefined,
  },
]

describeWithFixtures('Keras loaders on third-party files', () => {
  it.each(FIXTURES)('$file reproduces the reference softmax outputs to 1e-4', async ({ name, file, format, shape, params, range }) => {
    const model = await openModel(join(KERAS, file), range ? { inputRange: range } : {})
    try {
      expect(model.info.format).toBe(format)
      expect(model.info.inputShape).toEqual(shape)
      expect(model.info.totalParams).toBe(params)
      expect(model.info.gradients).toBe(true)
      expect(model.info.outputSoftmaxRemoved).toBe(true)
      expect(model.info.inputRangeSource).toBe(range ? 'option' : 'assumed')
      expect(model.info.inputRange).toEqual(range ?? [0, 1])
      expect(model.info.sha256).toMatch(/^[0-9a-f]{64}$/)
      const input = readNpy(join(KERAS, `${name}_input_first16.npy`))
      const reference = readNpy(join(KERAS, `${name}_ref_first16.npy`))
      // The uint8 inputs go in as [0, 1] images; the classifier scales them to the model's range.
      const probabilities = tf.tidy(() =>
        tf.softmax(model.logits(tf.div(tf.tensor(input.data, input.shape), 255) as tf.Tensor4D)).dataSync(),
      )
      let maxDiff = 0
      for (let i = 0; i < probabilities.length; i++) maxDiff = Math.max(maxDiff, Math.abs(probabilities[i] - reference.data[i]))
      expect(maxDiff).toBeLessThan(1e-4)
    } finally {
      model.dispose()
    }
  })

  it('summarises the layers of the BatchNormalization model with their parameter counts', async () => {
    const model = await openModel(join(KERAS, 'cifar10_nikhilnitr_keras2_15_bn.h5'))
    try {
      const bn = model.info.layers.find((l) => l.name === 'batch_normalization')
      expect(bn).toMatchObject({ className: 'BatchNormalization', params: 128, outputShape: [null, 30, 30, 32] })
      expect(model.info.trainableParams).toBe(179_418 - 864)
      expect(model.info.layers.at(-1)?.className).toBe('Dense')
    } finally {
      model.dispose()
    }
  })

  it('refuses a weights-only .h5 (no model_config) with a message that says to use model.save()', async () => {
    const { FS } = await h5wasm.ready
    FS!.writeFile('/weights-only.h5', new Uint8Array(await readFile(join(KERAS, 'mnist_kilneta_keras2_10.h5'))))
    const file = new h5wasm.File('/weights-only.h5', 'a')
    file.delete_attribute('model_config')
    file.close()
    const dir = await mkdtemp(join(tmpdir(), 'hfc-keras-'))
    try {
      await writeFile(join(dir, 'weights-only.h5'), FS!.readFile('/weights-only.h5'))
      await expect(openModel(join(dir, 'weights-only.h5'))).rejects.toMatchObject({
        code: 'MODEL_NO_CONFIG',
        message: expect.stringContaining('model.save()'),
      })
    } finally {
      FS!.unlink('/weights-only.h5')
      await rm(dir, { recursive: true, force: true })
    }
  })
})
