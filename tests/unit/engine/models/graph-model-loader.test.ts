import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { firstConvLayers, lowPassKernels } from '../../../../src-main/engine/models'
import { openModel } from '../../../../src-main/engine/loaders'

const b64 = (s: string): string => Buffer.from(s).toString('base64')
const intList = (xs: number[]): object => ({ list: { i: xs.map(String) } })
const strList = (xs: string[]): object => ({ list: { s: xs.map(b64) } })

/** The layers model below, written by hand as the GraphDef the TF.js converter produces for it. */
function graphNodes(outputOp = 'Softmax', nchw = false): object[] {
  const dims = nchw ? ['-1', '1', '8', '8'] : ['-1', '8', '8', '1']
  return [
    {
      name: 'x',
      op: 'Placeholder',
      attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: dims.map((size) => ({ size })) } } },
    },
    // A graph converted from PyTorch keeps its NCHW input and transposes it for TF's NHWC convolution.
    ...(nchw
      ? [
          { name: 'perm', op: 'Const' },
          { name: 'x_nhwc', op: 'Transpose', input: ['x', 'perm'] },
        ]
      : []),
    ...['c1/kernel', 'c1/bias', 'flat/begin', 'flat/end', 'flat/strides', 'flat/minus1', 'd/kernel', 'd/bias'].map((name) => ({
      name,
      op: 'Const',
    })),
    {
      name: 'conv',
      op: '_FusedConv2D',
      input: [nchw ? 'x_nhwc' : 'x', 'c1/kernel', 'c1/bias'],
      attr: {
        strides: intList([1, 1, 1, 1]),
        dilations: intList([1, 1, 1, 1]),
        padding: { s: b64('VALID') },
        data_format: { s: b64('NHWC') },
        fused_ops: strList(['BiasAdd', 'Relu']),
        num_args: { i: '1' },
      },
    },
    { name: 'flat/Shape', op: 'Shape', input: ['conv'] },
    {
      name: 'flat/strided',
      op: 'StridedSlice',
      input: ['flat/Shape', 'flat/begin', 'flat/end', 'flat/strides'],
      attr: { shrink_axis_mask: { i: '1' } },
    },
    { name: 'flat/pack', op: 'Pack', input: ['flat/strided', 'flat/minus1'], attr: { axis: { i: '0' } } },
    { name: 'flat', op: 'Reshape', input: ['conv', 'flat/pack'] },
    {
      name: 'dense',
      op: '_FusedMatMul',
      input: ['flat', 'd/kernel', 'd/bias'],
      attr: { fused_ops: strList(['BiasAdd']), transpose_a: { b: false }, transpose_b: { b: false } },
    },
    { name: 'probs', op: outputOp, input: ['dense'] },
    { name: 'Identity', op: 'Identity', input: ['probs', '^x'] },
  ]
}

describe('TF.js graph model loader', () => {
  let dir: string
  let layers: tfl.Sequential

  const writeGraph = async (folder: string, outputOp?: string, nchw = false): Promise<string> => {
    const [kernel, bias] = layers.getLayer('c1').getWeights()
    const [dk, db] = layers.getLayer('d').getWeights()
    const { data, specs } = await tf.io.encodeWeights({
      'c1/kernel': kernel,
      'c1/bias': bias,
      'd/kernel': dk,
      'd/bias': db,
      'flat/begin': tf.tensor1d([0], 'int32'),
      'flat/end': tf.tensor1d([1], 'int32'),
      'flat/strides': tf.tensor1d([1], 'int32'),
      'flat/minus1': tf.scalar(-1, 'int32'),
      ...(nchw ? { perm: tf.tensor1d([0, 2, 3, 1], 'int32') } : {}),
    })
    const path = join(dir, folder)
    await rm(path, { recursive: true, force: true })
    await mkdir(path, { recursive: true })
    await writeFile(join(path, 'group1-shard1of1.bin'), new Uint8Array(data as ArrayBuffer))
    await writeFile(
      join(path, 'model.json'),
      JSON.stringify({
        format: 'graph-model',
        modelTopology: { node: graphNodes(outputOp, nchw), library: {}, versions: {} },
        signature: { inputs: { 'x:0': { name: 'x:0' } }, outputs: { 'Identity:0': { name: 'Identity:0' } } },
        weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: specs }],
      }),
    )
    return path
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hfc-graph-'))
    layers = tfl.sequential()
    layers.add(
      tfl.layers.conv2d({
        name: 'c1',
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
        biasInitializer: tfl.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: 2 }),
      }),
    )
    layers.add(tfl.layers.flatten({ name: 'f' }))
    layers.add(
      tfl.layers.dense({
        name: 'd',
        units: 3,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
        biasInitializer: tfl.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: 4 }),
      }),
    )
  })

  afterAll(async () => {
    layers.dispose()
    await rm(dir, { recursive: true, force: true })
  })

  it('runs the graph, gives the logits before the final softmax, and supports input gradients', async () => {
    const model = await openModel(await writeGraph('ok'))
    try {
      expect(model.info).toMatchObject({
        format: 'tfjs-graph',
        inputShape: [8, 8, 1],
        classes: ['0', '1', '2'],
        gradients: true,
        outputSoftmaxRemoved: true,
        totalParams: 40 + 144 * 3 + 3,
      })
      expect(model.info.layers.map((l) => l.className)).toEqual(['_FusedConv2D', 'Reshape', '_FusedMatMul'])
      expect(model.info.layers[0]).toMatchObject({ outputShape: [null, 6, 6, 4], params: 40 })
      const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 5) as tf.Tensor4D
      const ours = tf.tidy(() => model.logits(x).dataSync())
      const theirs = tf.tidy(() => (layers.predict(x) as tf.Tensor).dataSync())
      x.dispose()
      for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i] - theirs[i])).toBeLessThan(1e-5)
    } finally {
      model.dispose()
    }
  })

  it('reads an NCHW input (a graph converted from PyTorch) as the image it is, says so, and differentiates through it', async () => {
    const path = await writeGraph('nchw', 'Softmax', true)
    const model = await openModel(path)
    const named = await openModel(path, { layout: 'nchw' })
    try {
      expect(model.info.inputShape).toEqual([8, 8, 1])
      expect(model.info.preprocessing).toMatchObject({ layout: 'nchw', layoutSource: 'detected' })
      expect(named.info.preprocessing).toMatchObject({ layout: 'nchw', layoutSource: 'option' })
      const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 5) as tf.Tensor4D
      const ours = tf.tidy(() => model.logits(x).dataSync())
      const theirs = tf.tidy(() => (layers.predict(x) as tf.Tensor).dataSync())
      const loss = (f: (t: tf.Tensor4D) => tf.Tensor) => (t: tf.Tensor) => tf.sum(tf.square(f(t as tf.Tensor4D)))
      const gOurs = tf.tidy(() =>
        tf
          .grad(loss((t) => model.logits(t)))(x)
          .dataSync(),
      )
      const gTheirs = tf.tidy(() =>
        tf
          .grad(loss((t) => layers.apply(t) as tf.Tensor))(x)
          .dataSync(),
      )
      x.dispose()
      for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i] - theirs[i])).toBeLessThan(1e-5)
      for (let i = 0; i < gOurs.length; i++) expect(Math.abs(gOurs[i] - gTheirs[i])).toBeLessThan(1e-4)
    } finally {
      model.dispose()
      named.dispose()
    }
  })

  it('is inference-only: no conv layers for D2, and D2 refuses it clearly', async () => {
    const model = await openModel(await writeGraph('d2'))
    try {
      expect(model.model).toBeNull()
      expect(firstConvLayers(model)).toEqual([])
      await expect(lowPassKernels(model, 1)).rejects.toMatchObject({ code: 'MODEL_NO_LAYERS' })
    } finally {
      model.dispose()
    }
  })

  it('refuses a graph with an op it cannot run, naming the op', async () => {
    await expect(openModel(await writeGraph('bad', 'Erf'))).rejects.toMatchObject({
      code: 'MODEL_UNSUPPORTED_OP',
      message: expect.stringContaining('Erf'),
    })
  })
})
