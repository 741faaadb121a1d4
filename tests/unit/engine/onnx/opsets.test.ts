import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerFastWasmOps } from '../../../../src-main/engine/ops'
import { createOrtSession, exportOnnx, loadOnnxRuntime, openOnnxModel } from '../../../../src-main/engine/onnx'
import { constTensor } from '../../../../src-main/engine/onnx/const-tensor'
import { fixtureBatch, maxAbsDiff } from './fixtures'
import { floats, graphBytes, ints, type TestGraph } from './onnx-graphs'

const scratch = mkdtempSync(join(tmpdir(), 'hfc-opsets-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
beforeAll(() => registerFastWasmOps())

const MNIST_IN = { name: 'x', dims: ['N', 1, 28, 28] as (number | string)[] }
const head = (from: string, size: number, seed: number) => ({
  nodes: [
    { op: 'Flatten', inputs: [from], outputs: ['flat'], ints: { axis: 1 } },
    { op: 'Gemm', inputs: ['flat', 'head_w', 'head_b'], outputs: ['logits'] },
  ],
  initializers: { head_w: floats([size, 10], seed, 0.2), head_b: floats([10], seed + 1) },
})

/**
 * Graphs written in the older and newer forms of the same operators (attributes before opset 10,
 * 11 or 13, inputs after; opset 18's Split num_outputs and Reduce axes input), plus the input
 * forms other exporters produce. onnxruntime runs each file as the reference.
 */
const GRAPHS: { title: string; image: 'mnist' | 'cifar' | 'mnist-nhwc' | 'mnist-flat'; fixedBatch?: boolean; graph: TestGraph }[] = [
  {
    title: 'opset 9: Unsqueeze/Squeeze/Slice/Pad/Clip attributes, legacy final Softmax',
    image: 'mnist',
    graph: {
      opset: 9,
      input: MNIST_IN,
      output: 'probs',
      nodes: [
        { op: 'Conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], ints: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
        { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
        { op: 'MaxPool', inputs: ['r1'], outputs: ['p1'], ints: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
        { op: 'Unsqueeze', inputs: ['p1'], outputs: ['u1'], ints: { axes: [1] } },
        { op: 'Squeeze', inputs: ['u1'], outputs: ['s1'], ints: { axes: [1] } },
        { op: 'Slice', inputs: ['s1'], outputs: ['sl'], ints: { starts: [1], ends: [4], axes: [1] } },
        { op: 'Pad', inputs: ['sl'], outputs: ['pd'], ints: { pads: [0, 0, 1, 1, 0, 0, 1, 1] }, floats: { value: 0.5 } },
        { op: 'Clip', inputs: ['pd'], outputs: ['cl'], floats: { min: 0, max: 0.8 } },
        ...head('cl', 768, 3).nodes,
        { op: 'Softmax', inputs: ['logits'], outputs: ['probs'], ints: { axis: 1 } },
      ],
      initializers: { w1: floats([4, 1, 3, 3], 1), b1: floats([4], 2), ...head('cl', 768, 3).initializers },
    },
  },
  {
    title: 'opset 11: auto_pad SAME_UPPER, BatchNormalization, ceil-mode AveragePool, Split attribute, Clip inputs',
    image: 'mnist',
    graph: {
      opset: 11,
      input: MNIST_IN,
      output: 'logits',
      nodes: [
        {
          op: 'Conv',
          inputs: ['x', 'w1'],
          outputs: ['c1'],
          ints: { kernel_shape: [3, 3], strides: [2, 2] },
          strings: { auto_pad: 'SAME_UPPER' },
        },
        { op: 'BatchNormalization', inputs: ['c1', 'bn_s', 'bn_b', 'bn_m', 'bn_v'], outputs: ['bn'], floats: { epsilon: 1e-3 } },
        { op: 'LeakyRelu', inputs: ['bn'], outputs: ['lr'], floats: { alpha: 0.2 } },
        {
          op: 'AveragePool',
          inputs: ['lr'],
          outputs: ['ap'],
          ints: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 },
        },
        { op: 'Split', inputs: ['ap'], outputs: ['a', 'b'], ints: { axis: 1, split: [2, 6] } },
        { op: 'Concat', inputs: ['b', 'a'], outputs: ['cat'], ints: { axis: 1 } },
        { op: 'Clip', inputs: ['cat', '', 'cmax'], outputs: ['cl'] },
        { op: 'ReduceMean', inputs: ['cl'], outputs: ['rm'], ints: { axes: [3], keepdims: 1 } },
        { op: 'Flatten', inputs: ['rm'], outputs: ['flat'], ints: { axis: 1 } },
        { op: 'Gemm', inputs: ['flat', 'wt', 'bt'], outputs: ['logits'], ints: { transB: 1 } },
      ],
      initializers: {
        w1: floats([8, 1, 3, 3], 4),
        bn_s: floats([8], 5),
        bn_b: floats([8], 6),
        bn_m: floats([8], 7, 0.1),
        bn_v: constTensor('float', [8], [0.5, 1, 1.5, 2, 0.7, 0.9, 1.1, 1.3]),
        cmax: constTensor('float', [], [1.5]),
        wt: floats([10, 64], 8),
        bt: floats([10], 9),
      },
    },
  },
  {
    title: 'opset 18: Split num_outputs, Pad with axes, ReduceMean axes input',
    image: 'mnist',
    graph: {
      opset: 18,
      input: MNIST_IN,
      output: 'logits',
      nodes: [
        { op: 'Conv', inputs: ['x', 'w1'], outputs: ['c1'], ints: { kernel_shape: [5, 5] } },
        { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
        { op: 'Split', inputs: ['r1'], outputs: ['a', 'b'], ints: { axis: 1, num_outputs: 2 } },
        { op: 'Add', inputs: ['a', 'b'], outputs: ['s'] },
        { op: 'Pad', inputs: ['s', 'pads', '', 'pad_axes'], outputs: ['pd'], strings: { mode: 'constant' } },
        { op: 'ReduceMean', inputs: ['pd', 'rm_axes'], outputs: ['rm'], ints: { keepdims: 0 } },
        ...head('rm', 81, 11).nodes,
      ],
      initializers: {
        w1: floats([6, 1, 5, 5], 10),
        pads: ints([1, 1, 2, 2]),
        pad_axes: ints([2, 3]),
        rm_axes: ints([2]),
        ...head('rm', 81, 11).initializers,
      },
    },
  },
  {
    title: 'opset 21: dilated convolution, HardSwish, GlobalAveragePool, MatMul + Add head',
    image: 'cifar',
    graph: {
      opset: 21,
      input: { name: 'x', dims: ['N', 3, 32, 32] },
      output: 'logits',
      nodes: [
        { op: 'Conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], ints: { kernel_shape: [3, 3], dilations: [2, 2], pads: [2, 2, 2, 2] } },
        { op: 'HardSwish', inputs: ['c1'], outputs: ['hs'] },
        { op: 'GlobalAveragePool', inputs: ['hs'], outputs: ['gap'] },
        { op: 'Flatten', inputs: ['gap'], outputs: ['flat'], ints: { axis: 1 } },
        { op: 'MatMul', inputs: ['flat', 'wm'], outputs: ['mm'] },
        { op: 'Add', inputs: ['mm', 'bm'], outputs: ['logits'] },
      ],
      initializers: { w1: floats([4, 3, 3, 3], 12), b1: floats([4], 13), wm: floats([4, 10], 14, 2), bm: floats([10], 15) },
    },
  },
  {
    title: 'opset 13: NHWC input with Transposes around the convolution (tf2onnx style)',
    image: 'mnist-nhwc',
    graph: {
      opset: 13,
      input: { name: 'x', dims: ['N', 28, 28, 1] },
      output: 'logits',
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['nchw'], ints: { perm: [0, 3, 1, 2] } },
        { op: 'Conv', inputs: ['nchw', 'w1', 'b1'], outputs: ['c1'], ints: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
        { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
        { op: 'Transpose', inputs: ['r1'], outputs: ['nhwc'], ints: { perm: [0, 2, 3, 1] } },
        { op: 'Reshape', inputs: ['nhwc', 'shape'], outputs: ['flat'] },
        { op: 'MatMul', inputs: ['flat', 'wm'], outputs: ['logits'] },
      ],
      initializers: { w1: floats([4, 1, 3, 3], 16), b1: floats([4], 17), shape: ints([-1, 3136]), wm: floats([3136, 10], 18, 0.05) },
    },
  },
  {
    title: 'opset 13: a flattened [N, 784] input (an MLP)',
    image: 'mnist-flat',
    graph: {
      opset: 13,
      input: { name: 'x', dims: ['N', 784] },
      output: 'logits',
      nodes: [
        { op: 'MatMul', inputs: ['x', 'w1'], outputs: ['m1'] },
        { op: 'Add', inputs: ['m1', 'b1'], outputs: ['a1'] },
        { op: 'Relu', inputs: ['a1'], outputs: ['r1'] },
        { op: 'Gemm', inputs: ['r1', 'w2', 'b2'], outputs: ['logits'] },
      ],
      initializers: { w1: floats([784, 16], 19, 0.1), b1: floats([16], 20), w2: floats([16, 10], 21), b2: floats([10], 22) },
    },
  },
  {
    title: 'opset 13: exported with a fixed batch of 1 (Reshape to [1, -1]), run on a batch of 8',
    image: 'mnist',
    fixedBatch: true,
    graph: {
      opset: 13,
      input: { name: 'x', dims: [1, 1, 28, 28] },
      output: 'logits',
      nodes: [
        { op: 'Conv', inputs: ['x', 'w1'], outputs: ['c1'], ints: { kernel_shape: [3, 3] } },
        { op: 'Reshape', inputs: ['c1', 'shape'], outputs: ['flat'] },
        { op: 'Gemm', inputs: ['flat', 'w2', 'b2'], outputs: ['logits'] },
      ],
      initializers: { w1: floats([2, 1, 3, 3], 23), shape: ints([1, -1]), w2: floats([1352, 10], 24, 0.1), b2: floats([10], 25) },
    },
  },
  {
    title: 'opset 11: Softmax inside the network in its flattening (legacy) form',
    image: 'mnist',
    graph: {
      opset: 11,
      input: MNIST_IN,
      output: 'logits',
      nodes: [
        { op: 'Conv', inputs: ['x', 'w1'], outputs: ['c1'], ints: { kernel_shape: [5, 5], strides: [2, 2] } },
        { op: 'Softmax', inputs: ['c1'], outputs: ['sm'], ints: { axis: 1 } },
        { op: 'Mul', inputs: ['sm', 'scale'], outputs: ['scaled'] },
        ...head('scaled', 288, 27).nodes,
      ],
      initializers: { w1: floats([2, 1, 5, 5], 26), scale: constTensor('float', [], [100]), ...head('scaled', 288, 27).initializers },
    },
  },
]

/** The graph input for the reference run, from the NHWC [0, 1] images. */
function graphInput(images: tf.Tensor4D, form: (typeof GRAPHS)[number]['image']): tf.Tensor {
  if (form === 'mnist-nhwc') return images
  if (form === 'mnist-flat') return tf.reshape(images, [images.shape[0], -1])
  return tf.transpose(images, [0, 3, 1, 2])
}

describe("ONNX opsets 9 to 21 and other exporters' input forms", () => {
  it.each(GRAPHS)('$title: the converter matches onnxruntime, and so does its re-export', async ({ image, fixedBatch, graph }) => {
    const ort = await loadOnnxRuntime()
    const bytes = graphBytes(graph)
    const path = join(scratch, `g${GRAPHS.findIndex((g) => g.graph === graph)}.onnx`)
    writeFileSync(path, bytes)
    const model = await openOnnxModel(path)
    const reference = await createOrtSession(bytes)
    try {
      const { images } = fixtureBatch(image === 'cifar' ? 'resnet_bn_cifar' : 'mnist_cnn_narrow')
      const x = tf.tensor4d(images.data, images.shape as [number, number, number, number])
      const ours = tf.tidy(() => model.logits(x).dataSync())
      const feed = tf.tidy(() => graphInput(x, image))
      const n = images.shape[0]
      const per = feed.size / n
      const data = feed.dataSync() as Float32Array
      const expected: number[] = []
      for (const [start, count] of fixedBatch ? Array.from({ length: n }, (_, i) => [i, 1]) : [[0, n]]) {
        const out = await reference.run({
          x: new ort.Tensor('float32', data.slice(start * per, (start + count) * per), [count, ...feed.shape.slice(1)]),
        })
        const raw = Array.from(out[graph.output].data as Float32Array)
        // The converter removes a final Softmax; compare on log-probabilities then.
        expected.push(...(graph.output === 'probs' ? raw.map(Math.log) : raw))
      }
      const got = graph.output === 'probs' ? tf.tidy(() => tf.logSoftmax(tf.tensor2d(ours, [n, 10])).dataSync()) : ours
      expect(maxAbsDiff(got, expected)).toBeLessThan(1e-4)

      const again = await createOrtSession(exportOnnx(model.model!, { inputLayout: 'nhwc' }))
      const out = await again.run({ input: new ort.Tensor('float32', images.data, images.shape) })
      expect(maxAbsDiff(out.logits.data as Float32Array, ours)).toBeLessThan(1e-4)
      await again.release()
      tf.dispose([x, feed])
    } finally {
      model.dispose()
      await reference.release()
    }
  })
})
