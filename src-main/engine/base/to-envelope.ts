import { ZodError } from 'zod'
import { ERROR_CODES, type LabErrorEnvelope } from '../../protocol/errors'
import { LabError } from './errors'

export function describeZodError(error: ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ')
}

/** Turns anything thrown inside the engine into an envelope a person can act on. */
export function toEnvelope(error: unknown): LabErrorEnvelope {
  if (error instanceof LabError) return { code: error.code, message: error.message, detail: error.detail }
  if (error instanceof ZodError) {
    return { code: ERROR_CODES.invalidRequest, message: `Invalid request: ${describeZodError(error)}. Correct the values and try again.` }
  }
  const e = error instanceof Error ? error : new Error(String(error))
  return {
    code: ERROR_CODES.internal,
    message: `The engine failed: ${e.message}. Try again; if it repeats, report it with the detail below.`,
    detail: e.stack,
  }
}
