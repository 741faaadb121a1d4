import * as tf from '@tensorflow/tfjs-core'
import { availableParallelism } from 'node:os'
import { throwIfCancelled } from '../base/job-context'
import { APP_VERSION } from '../base/version'
import type { HandlerTable } from './types'

export const engineHandlers = {
  async 'engine.info'(_params, _ctx, state) {
    const mem = tf.memory()
    const native = state.backend.singleWorker
    return {
      backend: state.backend.backend,
      forward: state.backend.forward,
      attempts: state.backend.attempts,
      versions: { app: APP_VERSION, node: process.versions.node, tfjs: tf.version_core, electron: process.versions.electron },
      workers: state.workerCount,
      // tfjs-node threads inside TensorFlow; wasm and cpu are single-threaded in Node.
      threadsPerWorker: native ? availableParallelism() : 1,
      cores: availableParallelism(),
      memory: {
        rssBytes: process.memoryUsage().rss,
        heapUsedBytes: process.memoryUsage().heapUsed,
        tfBytes: mem.numBytes,
        tfTensors: mem.numTensors,
      },
    }
  },

  async 'engine.selfTest'({ iterations, size, pauseMs }, ctx, state) {
    const start = performance.now()
    let checksum = 0
    const a = tf.randomUniform([size, size], -1, 1, 'float32', 42)
    try {
      for (let i = 0; i < iterations; i++) {
        throwIfCancelled(ctx.signal)
        const value = tf.tidy(() => tf.mean(tf.matMul(a, tf.transpose(a))).arraySync() as number)
        checksum += value
        ctx.progress(i + 1, iterations, 'matrix products')
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs))
      }
    } finally {
      a.dispose()
    }
    return { iterations, size, checksum, millis: performance.now() - start, backend: state.backend.backend }
  },
} satisfies HandlerTable
