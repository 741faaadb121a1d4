import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerFastWasmOps } from '../../../../src-main/engine/ops'
import { createOrtClassifier, openOnnxModel } from '../../../../src-main/engine/onnx'
import { constTensor } from '../../../../src-main/engine/onnx/const-tensor'
import { fixtureBatch, maxAbs, maxAbsDiff, tfInputGradient } from './fixtures'
import { floats, graphBytes, ints, type TestNode } from './onnx-graphs'
import type { ConstTensor } from '../../../../src-main/engine/onnx/const-tensor'

const scratch = mkdtempSync(join(tmpdir(), 'hfc-grad-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
beforeAll(() => registerFastWasmOps())

interface OpCase {
  title: string
  nodes: TestNode[]
  initializers?: Record<string, ConstTensor>
  /** Elements per image of the tensor 'y' the op chain ends in. */
  size: number
}

const un = (op: string, extra: Partial<TestNode> = {}): OpCase => ({
  title: op,
  nodes: [{ op, inputs: ['h'], outputs: ['y'], ...extra }],
  size: 4 * 32 * 32,
})

/**
 * One operator (or a short chain) per case, between a random 3x3 convolution of a real CIFAR-10
 * image batch (h: [N, 4, 32, 32]) and a linear head, so that every gradient rule of the
 * onnxruntime gradient graph is checked against TF.js autodiff through the converted model.
 */
const CASES: OpCase[] = [
  {
    title: 'Conv stride 1 on 4 channels (ConvTranspose)',
    nodes: [{ op: 'Conv', inputs: ['h', 'k'], outputs: ['y'], ints: { kernel_shape: [3, 3], pads: [1, 0, 1, 2] } }],
    initializers: { k: floats([5, 4, 3, 3], 30) },
    size: 5 * 32 * 32,
  },
  {
    title: 'Conv stride 1 on 8 channels, plain and grouped, dilated (adjoint convolution)',
    nodes: [
      { op: 'Conv', inputs: ['h', 'k1'], outputs: ['h8'], ints: { kernel_shape: [1, 1] } },
      { op: 'Conv', inputs: ['h8', 'k2'], outputs: ['a'], ints: { kernel_shape: [3, 3], pads: [1, 0, 1, 2] } },
      { op: 'Conv', inputs: ['a', 'k3'], outputs: ['y'], ints: { kernel_shape: [3, 3], group: 2, dilations: [2, 1], pads: [2, 1, 2, 1] } },
    ],
    initializers: { k1: floats([8, 4, 1, 1], 53), k2: floats([8, 8, 3, 3], 30), k3: floats([6, 4, 3, 3], 54) },
    size: 6 * 32 * 32,
  },
  {
    title: 'Conv stride 2 (ConvTranspose)',
    nodes: [{ op: 'Conv', inputs: ['h', 'k', 'kb'], outputs: ['y'], ints: { kernel_shape: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] } }],
    initializers: { k: floats([5, 4, 3, 3], 31), kb: floats([5], 32) },
    size: 5 * 16 * 16,
  },
  {
    title: 'Conv with groups and dilation',
    nodes: [
      { op: 'Conv', inputs: ['h', 'k'], outputs: ['y'], ints: { kernel_shape: [3, 3], group: 2, dilations: [2, 2], pads: [2, 2, 2, 2] } },
    ],
    initializers: { k: floats([6, 2, 3, 3], 33) },
    size: 6 * 32 * 32,
  },
  {
    title: 'depthwise Conv stride 2',
    nodes: [
      { op: 'Conv', inputs: ['h', 'k'], outputs: ['y'], ints: { kernel_shape: [3, 3], group: 4, strides: [2, 2], pads: [1, 1, 1, 1] } },
    ],
    initializers: { k: floats([8, 1, 3, 3], 34) },
    size: 8 * 16 * 16,
  },
  {
    title: 'ConvTranspose stride 2',
    nodes: [
      {
        op: 'ConvTranspose',
        inputs: ['h', 'k', 'kb'],
        outputs: ['y'],
        ints: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] },
      },
    ],
    initializers: { k: floats([4, 3, 3, 3], 35), kb: floats([3], 36) },
    size: 3 * 64 * 64,
  },
  {
    title: 'MaxPool 2x2 tiling the input (MaxUnpool)',
    nodes: [{ op: 'MaxPool', inputs: ['h'], outputs: ['y'], ints: { kernel_shape: [2, 2], strides: [2, 2] } }],
    size: 4 * 16 * 16,
  },
  {
    title: 'MaxPool 3x3 stride 2 padded (indices and scatter-add)',
    nodes: [{ op: 'MaxPool', inputs: ['h'], outputs: ['y'], ints: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } }],
    size: 4 * 16 * 16,
  },
  {
    title: 'Relu then MaxPool, overlapping (the Relu gate moves onto the pooled gradient)',
    nodes: [
      { op: 'Relu', inputs: ['h'], outputs: ['r'] },
      { op: 'MaxPool', inputs: ['r'], outputs: ['y'], ints: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
    ],
    size: 4 * 16 * 16,
  },
  {
    title: 'Relu then MaxPool 2x2',
    nodes: [
      { op: 'Relu', inputs: ['h'], outputs: ['r'] },
      { op: 'MaxPool', inputs: ['r'], outputs: ['y'], ints: { kernel_shape: [2, 2], strides: [2, 2] } },
    ],
    size: 4 * 16 * 16,
  },
  {
    title: 'MaxPool ceil mode',
    nodes: [{ op: 'MaxPool', inputs: ['h'], outputs: ['y'], ints: { kernel_shape: [3, 3], strides: [3, 3], ceil_mode: 1 } }],
    size: 4 * 11 * 11,
  },
  {
    title: 'AveragePool padded, padding not counted',
    nodes: [{ op: 'AveragePool', inputs: ['h'], outputs: ['y'], ints: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } }],
    size: 4 * 16 * 16,
  },
  {
    title: 'AveragePool ceil mode, padding counted',
    nodes: [
      {
        op: 'AveragePool',
        inputs: ['h'],
        outputs: ['y'],
        ints: { kernel_shape: [3, 3], strides: [3, 3], pads: [1, 1, 0, 0], ceil_mode: 1, count_include_pad: 1 },
      },
    ],
    size: 4 * 11 * 11,
  },
  { title: 'GlobalAveragePool', nodes: [{ op: 'GlobalAveragePool', inputs: ['h'], outputs: ['y'] }], size: 4 },
  { title: 'GlobalMaxPool', nodes: [{ op: 'GlobalMaxPool', inputs: ['h'], outputs: ['y'] }], size: 4 },
  {
    title: 'BatchNormalization',
    nodes: [{ op: 'BatchNormalization', inputs: ['h', 's', 'b', 'm', 'v'], outputs: ['y'], floats: { epsilon: 1e-3 } }],
    initializers: { s: floats([4], 37), b: floats([4], 38), m: floats([4], 39), v: constTensor('float', [4], [0.5, 1, 2, 3]) },
    size: 4 * 32 * 32,
  },
  un('Relu'),
  un('LeakyRelu', { floats: { alpha: 0.1 } }),
  un('Sigmoid'),
  un('Tanh'),
  un('Elu', { floats: { alpha: 0.7 } }),
  un('Selu'),
  un('Softplus'),
  un('HardSigmoid', { floats: { alpha: 0.3, beta: 0.4 } }),
  un('HardSwish'),
  {
    title: 'Clip',
    nodes: [{ op: 'Clip', inputs: ['h', 'lo', 'hi'], outputs: ['y'] }],
    initializers: { lo: constTensor('float', [], [-0.2]), hi: constTensor('float', [], [0.3]) },
    size: 4 * 32 * 32,
  },
  {
    title: 'Where on logical combinations of comparisons of activations',
    nodes: [
      { op: 'Greater', inputs: ['h', 't'], outputs: ['g'] },
      { op: 'Less', inputs: ['h', 'f'], outputs: ['l'] },
      { op: 'Not', inputs: ['l'], outputs: ['nl'] },
      { op: 'And', inputs: ['g', 'nl'], outputs: ['both'] },
      { op: 'Where', inputs: ['both', 'h', 'f'], outputs: ['y'] },
    ],
    initializers: { t: constTensor('float', [], [0.1]), f: floats([32], 52) },
    size: 4 * 32 * 32,
  },
  {
    title: 'PRelu',
    nodes: [{ op: 'PRelu', inputs: ['h', 'slope'], outputs: ['y'] }],
    initializers: { slope: floats([4, 1, 1], 40) },
    size: 4 * 32 * 32,
  },
  {
    title: 'Add, Sub, Mul, Div with broadcast constants and of a tensor with itself',
    nodes: [
      { op: 'Add', inputs: ['h', 'c1'], outputs: ['a'] },
      { op: 'Mul', inputs: ['a', 'h'], outputs: ['m'] },
      { op: 'Sub', inputs: ['c2', 'm'], outputs: ['s'] },
      { op: 'Div', inputs: ['s', 'd'], outputs: ['q'] },
      { op: 'Div', inputs: ['c3', 'd'], outputs: ['r'] },
      { op: 'Add', inputs: ['q', 'r'], outputs: ['y'] },
    ],
    initializers: {
      c1: floats([1, 4, 1, 1], 41),
      c2: floats([32], 42),
      c3: floats([1], 43),
      d: constTensor('float', [4, 1, 1], [1.5, 2, 2.5, 3]),
    },
    size: 4 * 32 * 32,
  },
  {
    title: 'MatMul with a constant, broadcast over the batch',
    nodes: [{ op: 'MatMul', inputs: ['h', 'w'], outputs: ['y'] }],
    initializers: { w: floats([32, 6], 44) },
    size: 4 * 32 * 6,
  },
  {
    title: 'MatMul of a constant with the tensor',
    nodes: [{ op: 'MatMul', inputs: ['w', 'h'], outputs: ['y'] }],
    initializers: { w: floats([5, 32], 45) },
    size: 4 * 5 * 32,
  },
  {
    title: 'Gemm with transA and alpha',
    nodes: [
      { op: 'Flatten', inputs: ['h'], outputs: ['f'], ints: { axis: 1 } },
      { op: 'Transpose', inputs: ['f'], outputs: ['ft'], ints: { perm: [1, 0] } },
      { op: 'Gemm', inputs: ['ft', 'w', 'c'], outputs: ['g'], ints: { transA: 1, transB: 1 }, floats: { alpha: 0.5, beta: 2 } },
      { op: 'Relu', inputs: ['g'], outputs: ['y'] },
    ],
    initializers: { w: floats([7, 4096], 46, 0.05), c: floats([7], 47) },
    size: 7,
  },
  {
    title: 'Reshape, Transpose, Squeeze, Unsqueeze',
    nodes: [
      { op: 'Reshape', inputs: ['h', 'shape'], outputs: ['r'] },
      { op: 'Transpose', inputs: ['r'], outputs: ['t'], ints: { perm: [0, 2, 1] } },
      { op: 'Unsqueeze', inputs: ['t', 'ax'], outputs: ['u'] },
      { op: 'Squeeze', inputs: ['u', 'ax'], outputs: ['y'] },
    ],
    initializers: { shape: ints([0, 4, -1]), ax: ints([1]) },
    size: 4 * 1024,
  },
  {
    title: 'Concat, Split (one part unused), Slice',
    nodes: [
      { op: 'Relu', inputs: ['h'], outputs: ['r'] },
      { op: 'Concat', inputs: ['h', 'r'], outputs: ['c'], ints: { axis: 1 } },
      { op: 'Split', inputs: ['c', 'sizes'], outputs: ['a', 'unused'], ints: { axis: 1 } },
      { op: 'Slice', inputs: ['a', 'st', 'en', 'ax'], outputs: ['y'] },
    ],
    initializers: { sizes: ints([5, 3]), st: ints([1, 2]), en: ints([30, -1]), ax: ints([2, 3]) },
    size: 5 * 29 * 29,
  },
  {
    title: 'Pad',
    nodes: [{ op: 'Pad', inputs: ['h', 'pads', 'pv'], outputs: ['y'] }],
    initializers: { pads: ints([0, 0, 1, 2, 0, 1, 3, 0]), pv: constTensor('float', [], [0.25]) },
    size: 5 * 36 * 34,
  },
  {
    title: 'ReduceMean and ReduceSum',
    nodes: [
      { op: 'ReduceMean', inputs: ['h'], outputs: ['m'], ints: { axes: [2], keepdims: 0 } },
      { op: 'ReduceSum', inputs: ['m', 'ax'], outputs: ['y'], ints: { keepdims: 1 } },
    ],
    initializers: { ax: ints([1]) },
    size: 32,
  },
  { title: 'Softmax over channels', nodes: [{ op: 'Softmax', inputs: ['h'], outputs: ['y'], ints: { axis: 1 } }], size: 4 * 32 * 32 },
  {
    title: 'LayerNormalization over channels and pixels, and over a row without bias',
    nodes: [
      { op: 'LayerNormalization', inputs: ['h', 'scale', 'bias'], outputs: ['n'], ints: { axis: 1 }, floats: { epsilon: 1e-3 } },
      { op: 'LayerNormalization', inputs: ['n', 'rowScale'], outputs: ['y'], ints: { axis: -1 } },
    ],
    initializers: { scale: floats([4, 32, 32], 60), bias: floats([4, 32, 32], 61), rowScale: floats([32], 62) },
    size: 4 * 32 * 32,
  },
  {
    title: 'Pow: a square, a fractional power of a positive tensor, a constant to a tensor power',
    nodes: [
      { op: 'Pow', inputs: ['h', 'two'], outputs: ['sq'] },
      { op: 'Sigmoid', inputs: ['h'], outputs: ['s'] },
      { op: 'Pow', inputs: ['s', 'p'], outputs: ['f'] },
      { op: 'Pow', inputs: ['base', 'h'], outputs: ['e'] },
      { op: 'Sum', inputs: ['sq', 'f', 'e'], outputs: ['y'] },
    ],
    initializers: { two: constTensor('float', [], [2]), p: constTensor('float', [1], [1.5]), base: constTensor('float', [], [1.7]) },
    size: 4 * 32 * 32,
  },
  {
    title: 'Erf (GELU as exported at opset 13-17: Div, Erf, Add, Mul)',
    nodes: [
      { op: 'Div', inputs: ['h', 'sqrt2'], outputs: ['d'] },
      { op: 'Erf', inputs: ['d'], outputs: ['e'] },
      { op: 'Add', inputs: ['e', 'one'], outputs: ['a'] },
      { op: 'Mul', inputs: ['h', 'a'], outputs: ['m'] },
      { op: 'Mul', inputs: ['m', 'half'], outputs: ['y'] },
    ],
    initializers: {
      sqrt2: constTensor('float', [], [Math.SQRT2]),
      one: constTensor('float', [], [1]),
      half: constTensor('float', [], [0.5]),
    },
    size: 4 * 32 * 32,
  },
  {
    title: 'MatMul of the tensor with itself over batch dims (attention scores), Softmax on the last axis',
    nodes: [
      { op: 'Transpose', inputs: ['h'], outputs: ['t'], ints: { perm: [0, 1, 3, 2] } },
      { op: 'MatMul', inputs: ['h', 't'], outputs: ['s'] },
      { op: 'Softmax', inputs: ['s'], outputs: ['p'], ints: { axis: -1 } },
      { op: 'MatMul', inputs: ['p', 'h'], outputs: ['y'] },
    ],
    size: 4 * 32 * 32,
  },
  {
    title: 'Gather of one index and of several (repeated) indices',
    nodes: [
      { op: 'Gather', inputs: ['h', 'rows'], outputs: ['g'], ints: { axis: 2 } },
      { op: 'Gather', inputs: ['g', 'channel'], outputs: ['y'], ints: { axis: 1 } },
    ],
    initializers: { rows: ints([0, 5, 5, 31]), channel: constTensor('int', [], [2]) },
    size: 4 * 32,
  },
  {
    title: 'Resize nearest x2 (half_pixel, round_prefer_ceil)',
    nodes: [
      {
        op: 'Resize',
        inputs: ['h', '', 'scales'],
        outputs: ['y'],
        strings: { mode: 'nearest', coordinate_transformation_mode: 'half_pixel', nearest_mode: 'round_prefer_ceil' },
      },
    ],
    initializers: { scales: constTensor('float', [4], [1, 1, 2, 2]) },
    size: 4 * 64 * 64,
  },
  {
    title: 'Resize linear down to 16x24 (pytorch_half_pixel)',
    nodes: [
      {
        op: 'Resize',
        inputs: ['h', '', 'scales'],
        outputs: ['y'],
        strings: { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' },
      },
    ],
    initializers: { scales: constTensor('float', [4], [1, 1, 0.5, 0.75]) },
    size: 4 * 16 * 24,
  },
  { title: 'LogSoftmax over a row', nodes: [{ op: 'LogSoftmax', inputs: ['h'], outputs: ['y'], ints: { axis: -1 } }], size: 4 * 32 * 32 },
]

describe('input gradients on onnxruntime match TF.js autodiff, operator by operator', () => {
  it.each(CASES)('$title', async ({ title, nodes, initializers, size }) => {
    const bytes = graphBytes({
      opset: 17,
      input: { name: 'x', dims: ['N', 3, 32, 32] },
      output: 'logits',
      nodes: [
        { op: 'Conv', inputs: ['x', 'stem_w', 'stem_b'], outputs: ['h'], ints: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
        ...nodes,
        { op: 'Flatten', inputs: ['y'], outputs: ['flat'], ints: { axis: 1 } },
        { op: 'Gemm', inputs: ['flat', 'head_w', 'head_b'], outputs: ['logits'] },
      ],
      initializers: {
        stem_w: floats([4, 3, 3, 3], 28),
        stem_b: floats([4], 29),
        head_w: floats([size, 10], 50, 0.1),
        head_b: floats([10], 51),
        ...initializers,
      },
    })
    const path = join(scratch, `${CASES.findIndex((c) => c.title === title)}.onnx`)
    writeFileSync(path, bytes)
    const model = await openOnnxModel(path)
    const scorer = await createOrtClassifier(model)
    try {
      expect(scorer.gradientUnavailable()).toBeUndefined()
      const { images, labels } = fixtureBatch('resnet_bn_cifar')
      const expected = tfInputGradient((x) => model.logits(x), images, labels)
      const got = await scorer.inputGradient!(images.data, labels)
      expect(maxAbsDiff(got.grad, expected) / maxAbs(expected)).toBeLessThan(1e-4)
    } finally {
      await scorer.dispose()
      model.dispose()
    }
  })
})
