/**
 * Cancellation that reaches a worker even while it runs synchronous TF.js code: the host flips a
 * shared Int32 and the job sees `signal.aborted` become true at its next batch boundary, without
 * the worker's event loop having to turn.
 */
export function createCancelFlag(): SharedArrayBuffer {
  return new SharedArrayBuffer(4)
}

export function raiseCancelFlag(flag: SharedArrayBuffer): void {
  Atomics.store(new Int32Array(flag), 0, 1)
}

class SharedFlagSignal extends EventTarget {
  private readonly cells: Int32Array
  private fired = false
  onabort: ((this: AbortSignal, ev: Event) => unknown) | null = null
  constructor(flag: SharedArrayBuffer) {
    super()
    this.cells = new Int32Array(flag)
  }
  get aborted(): boolean {
    const raised = Atomics.load(this.cells, 0) === 1
    if (raised && !this.fired) {
      this.fired = true
      this.dispatchEvent(new Event('abort'))
    }
    return raised
  }
  get reason(): unknown {
    return this.aborted ? new Error('cancelled') : undefined
  }
  throwIfAborted(): void {
    if (this.aborted) throw this.reason
  }
  any(): never {
    throw new Error('not supported')
  }
}

export function signalFromFlag(flag: SharedArrayBuffer): AbortSignal {
  return new SharedFlagSignal(flag) as unknown as AbortSignal
}
