/**
 * The backend and engine names users may give (--backend, HFC_BACKEND, the settings), without loading
 * TF.js: the CLI's own process parses them and never runs a model.
 */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']

export interface BackendAttempt {
  name: BackendName | 'onnxruntime'
  ok: boolean
  reason: string
}

/**
 * Who runs a model's forward passes and input gradients: TF.js only, onnxruntime-node (native,
 * ships in its npm package) wherever it can, or per model and job kind whichever measured faster.
 */
export type ForwardEngine = 'tfjs' | 'onnxruntime' | 'auto'

/** What a user may ask for: a TF.js backend, or onnxruntime for forward passes (TF.js behind it). */
export type BackendRequest = BackendName | 'onnxruntime'

export function parseBackendName(value: string | undefined): BackendRequest | undefined {
  if (!value) return undefined
  const aliases: Record<string, BackendRequest> = {
    onnxruntime: 'onnxruntime',
    ort: 'onnxruntime',
    'tfjs-node-gpu': 'tensorflow-gpu',
    'tensorflow-gpu': 'tensorflow-gpu',
    gpu: 'tensorflow-gpu',
    'tfjs-node': 'tensorflow',
    tensorflow: 'tensorflow',
    node: 'tensorflow',
    wasm: 'wasm',
    cpu: 'cpu',
  }
  const name = aliases[value.toLowerCase()]
  if (!name) throw new Error(`Unknown backend "${value}": use one of ${Object.keys(aliases).join(', ')}`)
  return name
}
