/**
 * What a long engine job gets from the host: progress reporting, streamed partial results, cancellation.
 * S: what the job streams (JobPartialOf its method); helpers that only forward partials leave it unknown.
 */
export interface JobContext<S = unknown> {
  /** Report progress; the worker throttles delivery, so call it as often as convenient. */
  progress(done: number, total: number, phase?: string): void
  /** Stream a partial result (a curve point, a gallery row) to the client before the job ends. */
  partial(data: S): void
  /** Aborted when the user cancels; long loops check it at least once per batch. */
  signal: AbortSignal
}

export class CancelledError extends Error {
  constructor() {
    super('The job was cancelled.')
    this.name = 'CancelledError'
  }
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError()
}

/** A context for callers (tests, scripts) that do not need progress or cancellation. */
export function silentContext(): JobContext {
  return { progress: () => {}, partial: () => {}, signal: new AbortController().signal }
}
