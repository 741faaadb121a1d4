import { LabCallError } from '../../src-main/protocol/errors'

/** A failed call as the user reads it: the sentence that says what to do, then its error code. */
export function errorText(error: unknown): string {
  if (error instanceof LabCallError) return `${error.message} [${error.code}]`
  return error instanceof Error ? error.message : String(error)
}
