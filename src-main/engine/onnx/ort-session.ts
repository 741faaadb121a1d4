import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type * as ort from 'onnxruntime-node'
import { LabError } from '../base/errors'
import { keepOrtTelemetryOff } from './ort-telemetry'

type Ort = typeof import('onnxruntime-node')

let runtime: Promise<Ort> | undefined

/**
 * onnxruntime-node, loaded on first use only: it is a native addon, so it must not load in
 * processes (Electron main) that merely import the engine's ONNX reader.
 */
export function loadOnnxRuntime(): Promise<Ort> {
  keepOrtTelemetryOff()
  runtime ??= import('onnxruntime-node').catch((e: unknown) => {
    runtime = undefined
    throw new LabError(
      'ORT_UNAVAILABLE',
      `onnxruntime-node could not be loaded (${(e as Error).message.split('\n')[0]}). Reinstall HFC Lab (npm ci) or choose another backend.`,
    )
  })
  return runtime
}

export interface SessionOptions {
  /** Threads one session uses inside an op; default 2. */
  threads?: number
}

/**
 * Whether onnxruntime-node's CUDA provider library is installed beside its binding. npm does not
 * ship it (too large); `ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci` on a machine with network adds it.
 */
export function cudaProviderInstalled(): boolean {
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'))
    return existsSync(join(pkg, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'))
  } catch {
    return false
  }
}

/**
 * An onnxruntime session with the settings HFC Lab measured fastest (all graph optimisations,
 * sequential): on CUDA when its provider is installed and loads, on the CPU otherwise.
 */
export async function createOrtSession(model: Uint8Array, options: SessionOptions = {}): Promise<ort.InferenceSession> {
  const { InferenceSession } = await loadOnnxRuntime()
  if (cudaProviderInstalled() && process.env.HFC_ORT_CUDA !== '0') {
    try {
      return await InferenceSession.create(model, { executionProviders: ['cuda', 'cpu'], graphOptimizationLevel: 'all' })
    } catch {
      // No usable GPU or CUDA runtime here: the CPU session below.
    }
  }
  try {
    return await InferenceSession.create(model, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      intraOpNumThreads: options.threads ?? 2,
      interOpNumThreads: 1,
    })
  } catch (e) {
    throw new LabError(
      'ORT_SESSION',
      `onnxruntime could not load the model graph (${(e as Error).message.split('\n')[0]}). Use the TF.js backend for this model.`,
    )
  }
}
