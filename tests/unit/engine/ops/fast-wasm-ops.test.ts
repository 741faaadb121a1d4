import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { fastWasmKernelsRegistered, registerFastWasmOps } from '../../../../src-main/engine/ops'

type Shape4 = [number, number, number, number]
type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]]

function noise(n: number, seed: number): Float32Array {
  const out = new Float32Array(n)
  let s = seed >>> 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = s / 2 ** 32 - 0.5
  }
  return out
}

/** Runs the same computation on the cpu backend and on wasm and returns both results. */
async function onBothBackends(compute: () => tf.Tensor): Promise<{ cpu: Float32Array; wasm: Float32Array; shape: number[] }> {
  const results: Record<string, { data: Float32Array; shape: number[] }> = {}
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend)
    const out = compute()
    results[backend] = { data: (await out.data()) as Float32Array, shape: out.shape }
    out.dispose()
  }
  expect(results.wasm.shape).toEqual(results.cpu.shape)
  return { cpu: results.cpu.data, wasm: results.wasm.data, shape: results.wasm.shape }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

const CONV_CASES: { name: string; x: Shape4; k: [number, number]; cout: number; strides: number | [number, number]; pad: Pad }[] = [
  { name: 'paper conv1: 5x5 same stride 1', x: [3, 28, 28, 1], k: [5, 5], cout: 8, strides: 1, pad: 'same' },
  { name: '3x3 valid stride 1, several input channels', x: [2, 9, 7, 3], k: [3, 3], cout: 4, strides: 1, pad: 'valid' },
  { name: '3x3 same stride 2, odd size', x: [2, 9, 7, 2], k: [3, 3], cout: 3, strides: 2, pad: 'same' },
  { name: '3x3 valid stride 2', x: [2, 11, 10, 2], k: [3, 3], cout: 3, strides: 2, pad: 'valid' },
  { name: '4x4 same stride 2, even kernel', x: [2, 10, 10, 3], k: [4, 4], cout: 2, strides: 2, pad: 'same' },
  { name: 'non-square 5x3 kernel, strides [2, 1]', x: [2, 12, 9, 2], k: [5, 3], cout: 3, strides: [2, 1], pad: 'same' },
  {
    name: 'explicit asymmetric pads',
    x: [2, 8, 8, 2],
    k: [3, 3],
    cout: 2,
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [0, 3],
      [0, 0],
    ],
  },
  {
    name: 'explicit pads larger than the kernel, stride 2',
    x: [2, 11, 9, 2],
    k: [5, 5],
    cout: 4,
    strides: 2,
    pad: [
      [0, 0],
      [3, 0],
      [2, 6],
      [0, 0],
    ],
  },
  { name: 'numeric pad 1, stride 2', x: [1, 7, 7, 2], k: [3, 3], cout: 2, strides: 2, pad: 1 },
]

describe('fast wasm kernels', () => {
  beforeAll(() => {
    registerFastWasmOps()
  })

  it('replaces BatchMatMul, Conv2DBackpropInput, Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropInput and MaxPoolGrad, idempotently', () => {
    registerFastWasmOps()
    registerFastWasmOps()
    expect(fastWasmKernelsRegistered()).toBe(true)
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeDefined()
  })

  describe.each(CONV_CASES)('$name', ({ x: xShape, k, cout, strides, pad }) => {
    const wShape: Shape4 = [k[0], k[1], xShape[3], cout]
    const xValues = noise(
      xShape.reduce((a, b) => a * b),
      1,
    )
    const wValues = noise(
      wShape.reduce((a, b) => a * b),
      2,
    )
    const yShape = (): number[] =>
      tf.tidy(() => tf.conv2d(tf.zeros(xShape) as tf.Tensor4D, tf.zeros(wShape) as tf.Tensor4D, strides, pad).shape)
    const attrs = { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined }

    it('Conv2DBackpropInput equals the cpu kernel to 1e-4', async () => {
      const dyShape = yShape()
      const dyValues = noise(
        dyShape.reduce((a, b) => a * b),
        3,
      )
      const { cpu, wasm, shape } = await onBothBackends(
        () =>
          tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: tf.tensor(dyValues, dyShape), filter: tf.tensor(wValues, wShape) }, {
            ...attrs,
            inputShape: xShape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
      )
      expect(shape).toEqual(xShape)
      expect(maxAbsDiff(cpu, wasm)).toBeLessThan(1e-4)
    })

    it('Conv2DBackpropFilter equals the cpu kernel to 1e-4', async () => {
      const dyShape = yShape()
      const dyValues = noise(
        dyShape.reduce((a, b) => a * b),
        4,
      )
      const { cpu, wasm, shape } = await onBothBackends(
        () =>
          tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: tf.tensor(xValues, xShape), dy: tf.tensor(dyValues, dyShape) }, {
            ...attrs,
            filterShape: wShape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
      )
      expect(shape).toEqual(wShape)
      expect(maxAbsDiff(cpu, wasm)).toBeLessThan(1e-4)
    })
  })

  it.each([
    { a: [30, 40], b: [50, 40], transposeA: false, transposeB: true },
    { a: [40, 30], b: [40, 50], transposeA: true, transposeB: false },
    { a: [3, 40, 30], b: [3, 50, 40], transposeA: true, transposeB: true },
    { a: [2, 3, 7, 5], b: [1, 1, 9, 5], transposeA: false, transposeB: true },
    { a: [2, 1, 4, 6], b: [1, 3, 200, 6], transposeA: false, transposeB: true },
  ])('BatchMatMul a$a b$b tA=$transposeA tB=$transposeB equals the cpu kernel', async ({ a, b, transposeA, transposeB }) => {
    const av = noise(
      a.reduce((p, d) => p * d),
      5,
    )
    const bv = noise(
      b.reduce((p, d) => p * d),
      6,
    )
    const { cpu, wasm } = await onBothBackends(() => tf.matMul(tf.tensor(av, a), tf.tensor(bv, b), transposeA, transposeB))
    expect(maxAbsDiff(cpu, wasm)).toBeLessThan(1e-4)
  })

  it.each([
    { name: '2x2 stride 2 valid, ReLU ties', shape: [2, 8, 8, 3], size: 2, stride: 2, pad: 'valid' as const, ties: true },
    { name: '2x2 stride 2 same, odd size', shape: [2, 7, 9, 2], size: 2, stride: 2, pad: 'same' as const, ties: false },
    {
      name: '2x2 stride 2 valid, odd size leaves a row and a column out',
      shape: [2, 9, 7, 3],
      size: 2,
      stride: 2,
      pad: 'valid' as const,
      ties: true,
    },
    { name: '3x3 stride 2 same, overlapping windows', shape: [2, 9, 9, 4], size: 3, stride: 2, pad: 'same' as const, ties: true },
    { name: '3x3 stride 1 same', shape: [1, 6, 5, 2], size: 3, stride: 1, pad: 'same' as const, ties: false },
  ])('MaxPoolGrad ($name) equals the cpu kernel, first maximum of a tie included', async ({ shape, size, stride, pad, ties }) => {
    const raw = noise(
      shape.reduce((p, d) => p * d),
      13,
    )
    // After a ReLU, windows are often all zero: the gradient must go to the first zero only.
    const xv = ties ? raw.map((v) => Math.max(0, v)) : raw
    const { cpu, wasm } = await onBothBackends(() =>
      tf.tidy(() => {
        const x = tf.tensor4d(xv, shape as Shape4)
        const y = tf.maxPool(x, size, stride, pad)
        const dy = tf.tensor4d(noise(y.size, 14), y.shape)
        return tf.engine().runKernel(tf.MaxPoolGrad, { dy, input: x, output: y }, { filterSize: size, strides: stride, pad }) as tf.Tensor
      }),
    )
    expect(maxAbsDiff(cpu, wasm)).toBeLessThan(1e-6)
  })

  it('gives the same input and weight gradients as cpu through conv, pool and dense layers', async () => {
    const xv = noise(4 * 12 * 12 * 2, 7)
    const w1 = noise(5 * 5 * 2 * 6, 8)
    const w2 = noise(3 * 3 * 6 * 4, 9)
    const wd = noise(3 * 3 * 4 * 5, 10)
    const { cpu, wasm } = await onBothBackends(() =>
      tf.tidy(() => {
        const net = (x: tf.Tensor4D, k1: tf.Tensor4D, k2: tf.Tensor4D, d: tf.Tensor2D): tf.Scalar => {
          const h1 = tf.maxPool(tf.relu(tf.conv2d(x, k1, 1, 'same')), 2, 2, 'valid')
          const h2 = tf.relu(tf.conv2d(h1, k2, 2, 'same'))
          return tf.sum(tf.square(tf.matMul(tf.reshape(h2, [4, -1]), d)))
        }
        const grads = tf.grads(net as (...t: tf.Tensor[]) => tf.Scalar)([
          tf.tensor4d(xv, [4, 12, 12, 2]),
          tf.tensor4d(w1, [5, 5, 2, 6]),
          tf.tensor4d(w2, [3, 3, 6, 4]),
          tf.tensor2d(wd, [36, 5]),
        ])
        return tf.concat(grads.map((g) => tf.reshape(g, [-1])))
      }),
    )
    expect(maxAbsDiff(cpu, wasm)).toBeLessThan(1e-4)
  })

  it('leaves no tensor or wasm buffer behind', () => {
    const x = tf.tensor4d(noise(2 * 10 * 10 * 2, 11), [2, 10, 10, 2])
    const w = tf.tensor4d(noise(3 * 3 * 2 * 3, 12), [3, 3, 2, 3])
    const backend = tf.backend()
    const loss = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Scalar => tf.sum(tf.conv2d(a, b, 2, 'same'))
    tf.dispose(tf.grads(loss as (...t: tf.Tensor[]) => tf.Scalar)([x, w]))
    const tensors = tf.memory().numTensors
    const buffers = backend.numDataIds()
    for (let i = 0; i < 3; i++) {
      tf.dispose(tf.grads(loss as (...t: tf.Tensor[]) => tf.Scalar)([x, w]))
      tf.dispose(tf.tidy(() => tf.matMul(tf.reshape(x, [20, 20]), tf.reshape(x, [20, 20]), true, true)))
    }
    expect(tf.memory().numTensors).toBe(tensors)
    expect(backend.numDataIds()).toBe(buffers)
    tf.dispose([x, w])
  })

  it('refuses NCHW data with a clear message', () => {
    const dy = tf.zeros([1, 2, 4, 4])
    const filter = tf.zeros([3, 3, 2, 2])
    expect(() =>
      tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, {
        strides: 1,
        pad: 'same',
        dataFormat: 'NCHW',
        inputShape: [1, 2, 4, 4],
      } as unknown as tf.NamedAttrMap),
    ).toThrow(/NHWC/)
    tf.dispose([dy, filter])
  })
})

const DEPTHWISE_CASES: {
  name: string
  x: Shape4
  k: [number, number]
  multiplier: number
  strides: number
  dilations: number
  pad: 'same' | 'valid'
}[] = [
  { name: 'MobileNet 3x3 same stride 1', x: [2, 9, 9, 4], k: [3, 3], multiplier: 1, strides: 1, dilations: 1, pad: 'same' },
  { name: 'MobileNet 3x3 same stride 2, odd size', x: [2, 9, 7, 3], k: [3, 3], multiplier: 1, strides: 2, dilations: 1, pad: 'same' },
  { name: 'channel multiplier 2, valid', x: [1, 8, 8, 3], k: [3, 3], multiplier: 2, strides: 1, dilations: 1, pad: 'valid' },
  // No dilated case: tfjs-core's gradient refuses dilations > 1, and the cpu kernel ignores them.
  { name: 'non-square 3x5 kernel, stride 2, valid', x: [2, 11, 10, 2], k: [3, 5], multiplier: 3, strides: 2, dilations: 1, pad: 'valid' },
]

describe('DepthwiseConv2dNativeBackpropInput on wasm (missing from tfjs-backend-wasm)', () => {
  beforeAll(() => {
    registerFastWasmOps()
  })

  it.each(DEPTHWISE_CASES)(
    '$name: equals the cpu kernel to 1e-5, directly and as tf.grad of depthwiseConv2d',
    async ({ x: xShape, k, multiplier, strides, dilations, pad }) => {
      const wShape: Shape4 = [k[0], k[1], xShape[3], multiplier]
      const x = noise(
        xShape.reduce((a, b) => a * b),
        5,
      )
      const w = noise(
        wShape.reduce((a, b) => a * b),
        6,
      )
      const yShape = tf.tidy(
        () => tf.depthwiseConv2d(tf.zeros(xShape) as tf.Tensor4D, tf.zeros(wShape) as tf.Tensor4D, strides, pad, 'NHWC', dilations).shape,
      )
      const dy = noise(
        yShape.reduce((a, b) => a * b),
        7,
      )
      const direct = await onBothBackends(
        () =>
          tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy: tf.tensor(dy, yShape), filter: tf.tensor(w, wShape) }, {
            strides,
            dilations,
            pad,
            dimRoundingMode: undefined,
            inputShape: xShape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
      )
      expect(direct.shape).toEqual(xShape)
      expect(maxAbsDiff(direct.cpu, direct.wasm)).toBeLessThan(1e-5)
      const viaGrad = await onBothBackends(() =>
        tf.tidy(() => {
          const filter = tf.tensor(w, wShape) as tf.Tensor4D
          const seed = tf.tensor(dy, yShape)
          return tf.grad((input: tf.Tensor) =>
            tf.sum(tf.mul(tf.depthwiseConv2d(input as tf.Tensor4D, filter, strides, pad, 'NHWC', dilations), seed)),
          )(tf.tensor(x, xShape))
        }),
      )
      expect(maxAbsDiff(viaGrad.cpu, viaGrad.wasm)).toBeLessThan(1e-5)
      // Not all zero: the kernel really ran.
      expect(Math.max(...viaGrad.wasm.map(Math.abs))).toBeGreaterThan(0.01)
    },
  )
})

describe('Identity on wasm', () => {
  it('shares the input’s memory: a clone keeps its values after the original is disposed, and frees it last', async () => {
    await tf.setBackend('wasm')
    registerFastWasmOps()
    const before = tf.memory()
    const original = tf.tensor(noise(1000, 9), [10, 100])
    const expected = original.dataSync().slice()
    const copy = tf.clone(original)
    expect(tf.memory().numDataBuffers - before.numDataBuffers).toBe(1)
    original.dispose()
    expect(Array.from(copy.dataSync())).toEqual(Array.from(expected))
    const derived = tf.mul(copy, 2)
    expect(derived.dataSync()[3]).toBeCloseTo(2 * expected[3], 6)
    tf.dispose([copy, derived])
    expect(tf.memory()).toMatchObject({ numTensors: before.numTensors, numDataBuffers: before.numDataBuffers, numBytes: before.numBytes })
  })
})
