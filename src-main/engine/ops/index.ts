import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
// tfjs-core's Node bundle registers no op gradients; tfjs-layers' Node bundle registers them all.
import '@tensorflow/tfjs-layers'
import { explicitTransposeMatMul } from './batch-mat-mul'
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter'
import { registerExactWasmOps } from './exact-wasm'
import { conv2dBackpropInputConfig } from './conv2d-backprop-input'
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input'
import { identityConfig } from './identity'
import { maxPoolGradConfig } from './max-pool-grad'

// Global symbols, so that a second copy of this module (bundles, test isolation) still sees
// through the kernel registry, which TF.js also keeps global, what is already installed.
const MARK = Symbol.for('hfc-lab.fast-wasm-kernel')
const STOCK = Symbol.for('hfc-lab.stock-wasm-kernels')
const stock: Map<string, tf.KernelConfig> = ((globalThis as Record<symbol, unknown>)[STOCK] as Map<string, tf.KernelConfig>) ?? new Map()
;(globalThis as Record<symbol, unknown>)[STOCK] = stock

function isOurs(config: tf.KernelConfig | undefined): boolean {
  return config !== undefined && MARK in config
}

function install(config: tf.KernelConfig): void {
  const previous = tf.getKernel(config.kernelName, config.backendName)
  if (previous) {
    if (!isOurs(previous)) stock.set(config.kernelName, previous)
    tf.unregisterKernel(config.kernelName, config.backendName)
  }
  tf.registerKernel({ ...config, [MARK]: true } as tf.KernelConfig)
}

/**
 * Registers the wasm kernels that make training and input gradients fast on wasm:
 * Conv2DBackpropInput and Conv2DBackpropFilter as forward convolutions (the latter is missing
 * from tfjs-backend-wasm altogether), BatchMatMul with explicit transposes, a one-pass
 * MaxPoolGrad, and an Identity that shares memory instead of copying it.
 * Also installs the exact kernels (registerExactWasmOps), which are never restored to stock.
 * Idempotent; call it after the wasm backend is chosen (it also works before).
 */
export function registerFastWasmOps(): void {
  registerExactWasmOps()
  const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')
  if (!matMul) throw new Error('tfjs-backend-wasm is not loaded: its BatchMatMul kernel is missing.')
  if (!isOurs(matMul)) install(explicitTransposeMatMul(matMul))
  for (const config of [
    conv2dBackpropInputConfig,
    conv2dBackpropFilterConfig,
    depthwiseBackpropInputConfig,
    maxPoolGradConfig,
    identityConfig,
  ]) {
    if (!isOurs(tf.getKernel(config.kernelName, config.backendName))) install(config)
  }
}

/** Whether registerFastWasmOps has replaced every kernel it owns. */
export function fastWasmKernelsRegistered(): boolean {
  return [
    tf.BatchMatMul,
    tf.Conv2DBackpropInput,
    tf.Conv2DBackpropFilter,
    tf.DepthwiseConv2dNativeBackpropInput,
    tf.MaxPoolGrad,
    tf.Identity,
  ].every((name) => isOurs(tf.getKernel(name, 'wasm')))
}

export { registerExactWasmOps, exactWasmKernelsRegistered, EXACT_WASM_KERNELS } from './exact-wasm'

/** The stock tfjs-backend-wasm kernel a fast kernel replaced, for benchmarks against it. */
export function stockWasmOp(kernelName: string): tf.KernelConfig | undefined {
  return stock.get(kernelName)
}

/**
 * Puts back the stock tfjs-backend-wasm kernels that registerFastWasmOps replaced (the wasm
 * backend has no Conv2DBackpropFilter of its own, so ours stays): benchmarks use it to measure
 * what a plain TF.js wasm user gets. registerFastWasmOps installs ours again.
 */
export function restoreStockWasmOps(): void {
  for (const [name, config] of stock) {
    if (!isOurs(tf.getKernel(name, 'wasm'))) continue
    tf.unregisterKernel(name, 'wasm')
    tf.registerKernel(config)
  }
}
