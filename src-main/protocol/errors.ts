/** The error envelope every boundary carries: a stable code and a sentence that says what to do. */
export interface LabErrorEnvelope {
  code: string
  message: string
  detail?: string
}

export const ERROR_CODES = {
  invalidRequest: 'INVALID_REQUEST',
  unknownMethod: 'UNKNOWN_METHOD',
  cancelled: 'CANCELLED',
  engineCrashed: 'ENGINE_CRASHED',
  internal: 'INTERNAL',
  notFound: 'NOT_FOUND',
} as const

/** Thrown on the client side when a call fails; keeps the envelope's fields. */
export class LabCallError extends Error implements LabErrorEnvelope {
  readonly code: string
  readonly detail?: string
  constructor(envelope: LabErrorEnvelope) {
    super(envelope.message)
    this.name = 'LabCallError'
    this.code = envelope.code
    this.detail = envelope.detail
  }
}
