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

/**
 * The codes of named errors the engine and the CLI raise, one list: `LabError` takes only these, so a
 * new code is added here, where a client can find every code it may meet.
 */
export const DOMAIN_ERROR_CODES = [
  // The frequency split, the SVD split, attacks, curves and galleries
  'SPECTRAL_BOUNDARY_RULE',
  'SPECTRAL_MASK_KIND',
  'SPECTRAL_RADIUS',
  'SVD_TRAILING_COUNT',
  'ATTACK_PARAMS',
  'ATTACK_UNKNOWN',
  'ATTACK_NEEDS_GRADIENTS',
  'ATTACK_LABELS',
  'ATTACK_INPUT',
  'ACCURACY_LABELS',
  'CURVE_LABELS',
  'CURVE_SHAPES',
  'GALLERY_ATTACK_KEY',
  'GALLERY_BATCH',
  'GALLERY_FILTER',
  'GALLERY_NO_ATTACKS',
  'GALLERY_OUT',
  'GALLERY_SHAPE',
  // The CLI: the user stopped a command
  'INTERRUPTED',
  // The D2 defense
  'D2_GRID',
  'D2_LAYERS',
  'D2_NO_LAYERS',
  'D2_RADIUS',
  // Data sets: opening, reading, selecting
  'DATA_CLASSES',
  'DATA_CORRUPT',
  'DATA_UNREADABLE',
  'DATA_EMPTY',
  'DATA_FORMAT',
  'DATA_IMAGE',
  'DATA_IMAGE_SIZE',
  'DATA_INDEX',
  'DATA_MISMATCH',
  'DATA_NOT_FILE',
  'DATA_NOT_FOUND',
  'DATA_NO_DEFAULT',
  'DATA_PAIR',
  'DATA_SELECTION',
  'DATA_TOO_LARGE',
  'DATA_TOO_MANY_CLASSES',
  'DATA_TRUNCATED',
  'DATA_UNKNOWN_FORMAT',
  // Files
  'EXISTS',
  'OUT_NOT_WRITABLE',
  // Model export
  'EXPORT_UNSUPPORTED_LAYER',
  // Fourier heat maps
  'HEATMAP_FREQUENCY',
  'HEATMAP_STRIDE',
  // Models: finding, parsing, supported layers and ops
  'MODEL_BAD_ARCHIVE',
  'MODEL_CORRUPT',
  'MODEL_UNREADABLE',
  'MODEL_BAD_CONFIG',
  'MODEL_BAD_GRAPH',
  'MODEL_BAD_HDF5',
  'MODEL_BAD_JSON',
  'MODEL_BAD_SIDECAR',
  'MODEL_BAD_PREPROCESSING',
  'MODEL_CHANNELS_FIRST',
  'MODEL_GRAPH_RUN',
  'MODEL_INPUTS',
  'MODEL_INPUT_TOO_LARGE',
  'MODEL_NOT_FILE',
  'MODEL_NOT_FOUND',
  'MODEL_NOT_IMAGE_CLASSIFIER',
  'MODEL_NO_CONFIG',
  'MODEL_NO_DEFAULT',
  'MODEL_NO_GRADIENTS',
  'MODEL_NO_LAYERS',
  'MODEL_NO_SUCH_CONV',
  'MODEL_ONNX_CORRUPT',
  'MODEL_ONNX_EXTERNAL',
  'MODEL_ONNX_INVALID',
  'MODEL_ONNX_MISSING_TENSOR',
  'MODEL_OUTPUTS',
  'MODEL_TOO_LARGE',
  'MODEL_UNKNOWN_FORMAT',
  'MODEL_UNSUPPORTED_ACTIVATION',
  'MODEL_UNSUPPORTED_LAYER',
  'MODEL_UNSUPPORTED_MODEL',
  'MODEL_UNSUPPORTED_OP',
  'MODEL_WEIGHTS_DTYPE',
  'MODEL_WEIGHTS_MISMATCH',
  'MODEL_WEIGHTS_MISSING',
  'MODEL_WEIGHTS_SIZE',
  // onnxruntime sessions and gradients
  'ORT_BAD_BATCH',
  'ORT_BAD_LABEL',
  'ORT_NO_GRADIENT',
  'ORT_NO_LAYERS',
  'ORT_SESSION',
  'ORT_UNAVAILABLE',
  // Stored curve runs
  'RUN_ENTRY',
  'RUN_GONE',
  // Models against data sets
  'SHAPE_MISMATCH',
  // Sharded runs
  'SHARD_BATCH_DAMAGED',
  'SHARD_EMPTY',
  'SHARD_SECTION_MISSING',
  'SHARD_RUNNING',
] as const

/** Every error code: the boundary codes above and the domain codes. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES] | (typeof DOMAIN_ERROR_CODES)[number]

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
