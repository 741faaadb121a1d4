import * as tf from '@tensorflow/tfjs-core'

/**
 * Runs other kernels of one backend from inside a kernel function and frees every intermediate
 * it made. Kernel functions see raw TensorInfos, not Tensors: calling tf ops there would record
 * them on the gradient tape and track them in the engine, so composition goes through the
 * registry and the backend's own reference counts instead (as the wasm backend's kernels do).
 */
export class KernelCalls {
  private readonly made: tf.TensorInfo[] = []

  constructor(
    readonly backend: tf.KernelBackend,
    private readonly backendName: string,
  ) {}

  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const config = tf.getKernel(kernelName, this.backendName)
    if (!config) throw new Error(`Kernel '${kernelName}' is not registered for backend '${this.backendName}'.`)
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs })
    if (Array.isArray(out)) throw new Error(`Kernel '${kernelName}' returned several outputs where one was expected.`)
    this.made.push(out)
    return out
  }

  /** Takes charge of an output that was made outside `run` (a kernel called directly). */
  adopt(t: tf.TensorInfo): void {
    this.made.push(t)
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run(tf.Reshape, { x }, { shape })
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run(tf.Transpose, { x }, { perm })
  }

  /** Frees every intermediate except `result`, which the caller hands on to the engine. */
  finish(result: tf.TensorInfo): tf.TensorInfo {
    for (const t of this.made) if (t !== result) this.backend.disposeData(t.dataId)
    this.made.length = 0
    return result
  }

  /** Frees every intermediate after a failure, so a bad call leaks nothing. */
  abandon(): void {
    for (const t of this.made) this.backend.disposeData(t.dataId)
    this.made.length = 0
  }
}

/** Runs `body` with a fresh KernelCalls and frees its intermediates whether it succeeds or not. */
export function composeKernels(backend: tf.KernelBackend, backendName: string, body: (calls: KernelCalls) => tf.TensorInfo): tf.TensorInfo {
  const calls = new KernelCalls(backend, backendName)
  try {
    return calls.finish(body(calls))
  } catch (e) {
    calls.abandon()
    throw e
  }
}
