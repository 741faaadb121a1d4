import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { describe, expect, it } from 'vitest'
import { saveLayersModel } from '../../../../src-main/engine/models'
import { openModel } from '../../../../src-main/engine/loaders'
import { modelFromTopology } from '../../../../src-main/engine/models/build-loaded-model'
import { withoutFinalSoftmax } from '../../../../src-main/engine/models/final-softmax'
import { normalizeKerasConfig } from '../../../../src-main/engine/models/keras-config'

const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null }
const tensor = (layer: string) => ({
  class_name: '__keras_tensor__',
  config: { shape: [null, 6, 6, 2], dtype: 'float32', keras_history: [layer, 0, 0] },
})

/** A Keras 3 functional config as config.json writes it: a residual block ending in a Softmax layer. */
const KERAS3_FUNCTIONAL = {
  module: 'keras.src.models.functional',
  class_name: 'Functional',
  config: {
    name: 'residual',
    trainable: true,
    layers: [
      {
        module: 'keras.layers',
        class_name: 'InputLayer',
        config: { batch_shape: [null, 6, 6, 2], dtype: 'float32', name: 'inp' },
        name: 'inp',
        inbound_nodes: [],
      },
      {
        module: 'keras.layers',
        class_name: 'Conv2D',
        name: 'conv',
        config: {
          name: 'conv',
          dtype: policy,
          filters: 2,
          kernel_size: [3, 3],
          strides: [1, 1],
          padding: 'same',
          data_format: 'channels_last',
          dilation_rate: [1, 1],
          groups: 1,
          activation: 'relu',
          use_bias: true,
          kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
          bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
          kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null },
        },
        build_config: { input_shape: [null, 6, 6, 2] },
        inbound_nodes: [{ args: [tensor('inp')], kwargs: {} }],
      },
      {
        module: 'keras.layers',
        class_name: 'Add',
        name: 'add',
        config: { name: 'add', dtype: policy },
        inbound_nodes: [{ args: [[tensor('inp'), tensor('conv')]], kwargs: {} }],
      },
      {
        module: 'keras.layers',
        class_name: 'GlobalAveragePooling2D',
        name: 'gap',
        config: { name: 'gap', dtype: policy, data_format: 'channels_last', keepdims: false },
        inbound_nodes: [{ args: [tensor('add')], kwargs: {} }],
      },
      {
        module: 'keras.layers',
        class_name: 'Dense',
        name: 'dense',
        config: { name: 'dense', dtype: policy, units: 3, activation: 'linear', use_bias: true },
        inbound_nodes: [
          {
            args: [{ class_name: '__keras_tensor__', config: { shape: [null, 2], dtype: 'float32', keras_history: ['gap', 0, 0] } }],
            kwargs: {},
          },
        ],
      },
      {
        module: 'keras.layers',
        class_name: 'Softmax',
        name: 'probs',
        config: { name: 'probs', dtype: policy, axis: -1 },
        inbound_nodes: [
          {
            args: [{ class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: ['dense', 0, 0] } }],
            kwargs: { mask: null },
          },
        ],
      },
    ],
    input_layers: ['inp', 0, 0],
    output_layers: ['probs', 0, 0],
  },
}

describe('Keras config normalisation', () => {
  it('turns a Keras 3 functional config into a TF.js model whose output is the logits before the Softmax layer', async () => {
    const { topology, removed } = withoutFinalSoftmax(normalizeKerasConfig(KERAS3_FUNCTIONAL, 'residual.keras'), 'residual.keras')
    expect(removed).toBe(true)
    expect(topology.config.output_layers).toEqual([['dense', 0, 0]])
    expect(topology.config.layers.find((l) => l.name === 'add')?.inbound_nodes).toEqual([
      [
        ['inp', 0, 0, {}],
        ['conv', 0, 0, {}],
      ],
    ])
    const model = await modelFromTopology(topology, 'residual.keras')
    try {
      expect(model.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Conv2D', 'Add', 'GlobalAveragePooling2D', 'Dense'])
      expect(model.outputs[0].shape).toEqual([null, 3])
    } finally {
      model.dispose()
    }
  })

  it('names every unsupported layer and refuses channels_first data', () => {
    const lambda = {
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [
          { class_name: 'Lambda', config: { name: 'l1' } },
          { class_name: 'LSTM', config: { name: 'rnn' } },
        ],
      },
    }
    expect(() => normalizeKerasConfig(lambda, 'm.h5')).toThrow(/Lambda \('l1'\), LSTM \('rnn'\)/)
    const nchw = {
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [{ class_name: 'Conv2D', config: { name: 'c', filters: 1, kernel_size: [3, 3], data_format: 'channels_first' } }],
      },
    }
    expect(() => normalizeKerasConfig(nchw, 'm.h5')).toThrow(/channels_last/)
  })

  it('loads a TF.js functional model with a residual Add and a final softmax Activation', async () => {
    const input = tfl.input({ shape: [6, 6, 2], name: 'x' })
    const conv = tfl.layers
      .conv2d({ name: 'c', filters: 2, kernelSize: 3, padding: 'same', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) })
      .apply(input) as tfl.SymbolicTensor
    const sum = tfl.layers.add({ name: 'sum' }).apply([input, conv]) as tfl.SymbolicTensor
    const flat = tfl.layers.flatten({ name: 'f' }).apply(sum) as tfl.SymbolicTensor
    const dense = tfl.layers
      .dense({ name: 'd', units: 4, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) })
      .apply(flat) as tfl.SymbolicTensor
    const probs = tfl.layers.activation({ name: 'p', activation: 'softmax' }).apply(dense) as tfl.SymbolicTensor
    const original = tfl.model({ inputs: input, outputs: probs })
    const dir = await mkdtemp(join(tmpdir(), 'hfc-functional-'))
    try {
      await saveLayersModel(original, dir)
      const loaded = await openModel(dir)
      const x = tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 3) as tf.Tensor4D
      const ours = tf.tidy(() => tf.softmax(loaded.logits(x)).dataSync())
      const theirs = tf.tidy(() => (original.predict(x) as tf.Tensor).dataSync())
      ours.forEach((v, i) => expect(Math.abs(v - theirs[i])).toBeLessThan(1e-5))
      expect(loaded.info.outputSoftmaxRemoved).toBe(true)
      x.dispose()
      loaded.dispose()
    } finally {
      original.dispose()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
