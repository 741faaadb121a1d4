import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'

/** The part of the wasm backend a JS kernel needs: its heap-backed outputs and views. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array
}

type Values = Float32Array | Int32Array | Uint8Array

/** Runs `body` over the input's values into a fresh output of `dtype` on the wasm heap. */
function elementwise(params: Parameters<tf.KernelFunc>[0], dtype: tf.DataType, body: (x: Values, out: Values) => void): tf.TensorInfo {
  const backend = params.backend as unknown as HeapBackend
  const x = params.inputs.x as tf.TensorInfo
  const out = backend.makeOutput(x.shape, dtype)
  // Views are taken after makeOutput: a heap growth there would detach earlier ones.
  body(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out))
  return out
}

/**
 * The stock wasm Sign returns 0 for |x| below float32's epsilon (1.19e-7), which silently drops
 * small gradient components in FGSM and L∞ PGD; this one is sign(x) exactly, 0 for ±0 and NaN,
 * as the cpu backend (docs/algorithms.md §attacks).
 */
function sign(params: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  return elementwise(params, 'float32', (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? 1 : x[i] < 0 ? -1 : 0
  })
}

/** min(max(x, lo), hi) that keeps NaN, as the cpu backend; the stock wasm kernels turn NaN into lo. */
function clamp(params: Parameters<tf.KernelFunc>[0], lo: number, hi: number): tf.TensorInfo {
  return elementwise(params, 'float32', (x, out) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]
      out[i] = v < lo ? lo : v > hi ? hi : v
    }
  })
}

/**
 * Casting to bool is x ≠ 0 (NaN is true), as on the cpu backend; the stock wasm kernel truncates
 * the value to a byte (0.5 → false, 2.5 → 2, −1 → 255). Other casts go to the stock kernel.
 */
function cast(stockCast: tf.KernelFunc): tf.KernelFunc {
  return (params) => {
    const x = params.inputs.x as tf.TensorInfo
    if ((params.attrs as { dtype?: tf.DataType }).dtype !== 'bool' || x.dtype === 'bool' || x.dtype === 'complex64' || x.dtype === 'string')
      return stockCast(params)
    return elementwise(params, 'bool', (values, out) => {
      for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0
    })
  }
}

/** Flat index into an input of `shape` (right-aligned, size-1 dims broadcast) for each output index. */
function broadcastIndex(shape: number[], outShape: number[]): (flat: number) => number {
  const size = shape.reduce((a, b) => a * b, 1)
  const total = outShape.reduce((a, b) => a * b, 1)
  if (size === total) return (flat) => flat
  if (size === 1) return () => 0
  const rank = outShape.length
  const padded = [...Array<number>(rank - shape.length).fill(1), ...shape]
  const strides = new Array<number>(rank)
  let stride = 1
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 ? 0 : stride
    stride *= padded[d]
  }
  return (flat) => {
    let at = 0
    for (let d = rank - 1; d >= 0; d--) {
      const i = flat % outShape[d]
      flat = (flat - i) / outShape[d]
      at += i * strides[d]
    }
    return at
  }
}

/**
 * Element-wise maximum or minimum with broadcasting where a NaN on either side gives NaN, as the
 * cpu backend; the stock wasm kernels return the first operand when only the second is NaN.
 */
function extremum(pick: (x: number, y: number) => number): tf.KernelFunc {
  return (params) => {
    const backend = params.backend as unknown as HeapBackend
    const a = params.inputs.a as tf.TensorInfo
    const b = params.inputs.b as tf.TensorInfo
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape)
    const dtype = a.dtype === 'int32' && b.dtype === 'int32' ? 'int32' : 'float32'
    const out = backend.makeOutput(shape, dtype)
    const o = backend.typedArrayFromHeap(out)
    const x = backend.typedArrayFromHeap(a)
    const y = backend.typedArrayFromHeap(b)
    const ia = broadcastIndex(a.shape, shape)
    const ib = broadcastIndex(b.shape, shape)
    for (let i = 0; i < o.length; i++) {
      const u = x[ia(i)]
      const v = y[ib(i)]
      o[i] = u !== u || v !== v ? NaN : pick(u, v)
    }
    return out
  }
}

/** log(1 + x) without the cancellation of the stock kernel, which returns 0 for |x| < 6e-8. */
function log1p(params: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  return elementwise(params, 'float32', (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.log1p(x[i])
  })
}

const MARK = Symbol.for('hfc-lab.exact-wasm-kernel')
const STOCK_CAST = Symbol.for('hfc-lab.stock-wasm-cast')

function ours(name: string): boolean {
  const config = tf.getKernel(name, 'wasm')
  return config !== undefined && MARK in config
}

function install(kernelName: string, kernelFunc: tf.KernelFunc): void {
  if (ours(kernelName)) return
  if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm')
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, [MARK]: true } as tf.KernelConfig)
}

/** The kernels whose stock wasm version differs from the cpu backend's semantics. */
export const EXACT_WASM_KERNELS = [tf.Sign, tf.ClipByValue, tf.Relu6, tf.Cast, tf.Log1p, tf.Maximum, tf.Minimum] as const

/**
 * Replaces the wasm kernels whose results differ from the cpu backend's (the engine's reference
 * semantics) by exact ones, so every tf op the engine runs means the same on both backends.
 * Idempotent, and effective before or after the wasm backend is chosen.
 */
export function registerExactWasmOps(): void {
  const globals = globalThis as Record<symbol, unknown>
  const stockCast = tf.getKernel(tf.Cast, 'wasm')
  if (!stockCast) throw new Error('tfjs-backend-wasm is not loaded: its Cast kernel is missing.')
  if (!(MARK in stockCast)) globals[STOCK_CAST] = stockCast.kernelFunc
  install(tf.Sign, sign)
  install(tf.ClipByValue, (p) => {
    const { clipValueMin, clipValueMax } = p.attrs as { clipValueMin: number; clipValueMax: number }
    return clamp(p, clipValueMin, clipValueMax)
  })
  install(tf.Relu6, (p) => clamp(p, 0, 6))
  install(tf.Cast, cast(globals[STOCK_CAST] as tf.KernelFunc))
  install(tf.Log1p, log1p)
  install(
    tf.Maximum,
    extremum((u, v) => (u >= v ? u : v)),
  )
  install(
    tf.Minimum,
    extremum((u, v) => (u <= v ? u : v)),
  )
}

/** Whether every exact kernel is installed. */
export function exactWasmKernelsRegistered(): boolean {
  return EXACT_WASM_KERNELS.every(ours)
}
