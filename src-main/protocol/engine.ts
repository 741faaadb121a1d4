import { z } from 'zod'
import { job, method } from './define'

export interface BackendAttemptInfo {
  name: string
  ok: boolean
  reason: string
}

export interface EngineInfo {
  backend: string
  /** Who runs models: TF.js only, onnxruntime wherever it can (--backend onnxruntime), or per model whichever measured faster. */
  forward: 'tfjs' | 'onnxruntime' | 'auto'
  attempts: BackendAttemptInfo[]
  versions: { app: string; node: string; tfjs: string; electron?: string }
  /** Engine workers running batch jobs (one per core on wasm/cpu, exactly one on tfjs-node). */
  workers: number
  /** Threads one TF.js backend uses inside its worker. */
  threadsPerWorker: number
  cores: number
  memory: { rssBytes: number; heapUsedBytes: number; tfBytes: number; tfTensors: number }
  /** Browser host only: the folders a client may read from and the one it writes under. */
  access?: { roots: string[]; outRoot: string }
}

export interface SelfTestResult {
  iterations: number
  size: number
  checksum: number
  millis: number
  backend: string
}

export const engineMethods = {
  'engine.info': method(
    z.object({}).strict(),
    'Backend in use (and why the others were not), versions, threads, memory.',
  ).returns<EngineInfo>(),
  'engine.selfTest': job(
    z
      .object({
        iterations: z.number().int().min(1).max(10_000).default(60),
        size: z.number().int().min(8).max(1024).default(256),
        /** Milliseconds to pause per iteration, so a person can watch and cancel the test. */
        pauseMs: z.number().int().min(0).max(1000).default(0),
      })
      .strict(),
    'Runs real TF.js matrix products with progress events; proves the engine pipe end to end.',
  ).returns<SelfTestResult>(),
}
