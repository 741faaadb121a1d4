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
  /** Browser host: a path outside the folders it may read (--root) or write (--out-root). */
  pathOutsideRoots: 'PATH_OUTSIDE_ROOTS',
  pathOutsideOutRoot: 'PATH_OUTSIDE_OUT_ROOT',
  /** Browser host: `force` may replace only a file of the kind the method writes. */
  overwriteRefused: 'OVERWRITE_REFUSED',
  /** Browser host: a token (HFC_TOKEN) shorter than 128 bits or with characters a URL would mangle. */
  weakToken: 'WEAK_TOKEN',
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
