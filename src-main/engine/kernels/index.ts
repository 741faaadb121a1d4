import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { explicitTransposeMatMul } from './batch-mat-mul'
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter'
import { conv2dBackpropInputConfig } from './conv2d-backprop-input'

const ours = new Set<tf.KernelFunc>()

function install(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName)
  tf.registerKernel(config)
  ours.add(config.kernelFunc)
}

/**
 * Registers the wasm kernels that make training and input gradients fast on wasm:
 * Conv2DBackpropInput and Conv2DBackpropFilter as forward convolutions (the latter is missing
 * from tfjs-backend-wasm altogether), and BatchMatMul with explicit transposes.
 * Idempotent; call it after the wasm backend is chosen (it also works before).
 */
export function registerFastWasmKernels(): void {
  const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')
  if (!matMul) throw new Error('tfjs-backend-wasm is not loaded: its BatchMatMul kernel is missing.')
  if (!ours.has(matMul.kernelFunc)) install(explicitTransposeMatMul(matMul))
  for (const config of [conv2dBackpropInputConfig, conv2dBackpropFilterConfig]) {
    if (tf.getKernel(config.kernelName, config.backendName)?.kernelFunc !== config.kernelFunc) install(config)
  }
}

/** Whether registerFastWasmKernels has replaced every kernel it owns. */
export function fastWasmKernelsRegistered(): boolean {
  return [tf.BatchMatMul, tf.Conv2DBackpropInput, tf.Conv2DBackpropFilter].every((name) => {
    const config = tf.getKernel(name, 'wasm')
    return config !== undefined && ours.has(config.kernelFunc)
  })
}
