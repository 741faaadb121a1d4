import type { ErrorCode } from '../../protocol/errors'

/** An error a person can act on: a stable code plus a sentence that says what to do. */
export class LabError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: string,
    /** The underlying error, kept when an unexpected one is wrapped into a named error. */
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'LabError'
  }
}
