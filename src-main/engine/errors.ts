/** An error a person can act on: a stable code plus a sentence that says what to do. */
export class LabError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly detail?: string,
  ) {
    super(message)
    this.name = 'LabError'
  }
}
