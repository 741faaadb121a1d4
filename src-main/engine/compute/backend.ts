import { createRequire } from 'node:module'
import { dirname, sep } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { registerExactWasmOps } from '../ops/exact-wasm'
import { cudaProviderInstalled } from '../onnx/ort-session'
import { unpackedPath } from '../base/packaged-path'
import { BACKEND_ORDER, type BackendAttempt, type BackendName, type BackendRequest, type ForwardEngine } from './backend-names'

export interface BackendChoice {
  backend: BackendName
  forward: ForwardEngine
  attempts: BackendAttempt[]
  /** One engine worker only: native addons load once per process, and they thread internally. */
  singleWorker: boolean
}

const requireCjs = createRequire(import.meta.url)

async function tryNative(pkg: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu'): Promise<string | null> {
  try {
    requireCjs(pkg)
  } catch (e) {
    const code = (e as { code?: string }).code
    return code === 'MODULE_NOT_FOUND'
      ? `${pkg} is not installed (its install downloads libtensorflow, which needs a network)`
      : `${pkg} failed to load: ${(e as Error).message.split('\n')[0]}`
  }
  const ok = await tf.setBackend('tensorflow')
  return ok ? null : `${pkg} loaded but the 'tensorflow' backend did not initialise`
}

async function tryWasm(): Promise<string | null> {
  const wasmFile = unpackedPath(requireCjs.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))
  setWasmPaths(dirname(wasmFile) + sep)
  // Wherever wasm runs, its ops mean what they mean on the cpu backend (sign of tiny values, NaN in clips).
  registerExactWasmOps()
  // setBackend resolves false (and tfjs silently keeps cpu) when the wasm binary cannot start.
  const ok = await tf.setBackend('wasm')
  return ok ? null : 'the wasm backend failed to initialise'
}

async function tryCpu(): Promise<string | null> {
  return (await tf.setBackend('cpu')) ? null : 'the cpu backend failed to initialise'
}

const loaders: Record<BackendName, () => Promise<string | null>> = {
  'tensorflow-gpu': () => tryNative('@tensorflow/tfjs-node-gpu'),
  tensorflow: () => tryNative('@tensorflow/tfjs-node'),
  wasm: tryWasm,
  cpu: tryCpu,
}

/**
 * Picks the first backend of BACKEND_ORDER that loads, or only the one the user named.
 * Every skipped backend is recorded with the reason, so the UI can say why it was not used.
 * `forwardAs` makes a pool's later workers take the engine mode the first one settled on.
 */
export async function chooseBackend(requested?: BackendRequest, forwardAs?: ForwardEngine): Promise<BackendChoice> {
  const ort = await probeOnnxRuntime(requested === 'onnxruntime')
  if (requested === 'onnxruntime' && ort) {
    throw new Error(`onnxruntime was requested but cannot run: ${ort}. Unset HFC_BACKEND or --backend to use TF.js.`)
  }
  // A named TF.js backend means TF.js only; with no request, each model's jobs go to whichever engine measures faster.
  const forward: ForwardEngine = forwardAs ?? (requested === 'onnxruntime' ? 'onnxruntime' : requested || ort ? 'tfjs' : 'auto')
  const ortReasons: Record<ForwardEngine, string> = {
    onnxruntime: 'selected for every model it can run (forward passes and input gradients)',
    auto: 'available: each model runs its forward passes and input gradients on whichever of onnxruntime and TF.js measures faster',
    tfjs: `available: not used because "${requested}" was requested`,
  }
  const gpu = cudaProviderInstalled()
    ? 'its CUDA provider is installed and is used when a GPU loads'
    : 'CPU only: its CUDA provider is not installed (ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci adds it)'
  const ortAttempt: BackendAttempt = { name: 'onnxruntime', ok: ort === null, reason: ort ?? `${ortReasons[forward]}; ${gpu}` }
  // TF.js always runs behind onnxruntime (models it cannot write, D1 with max normalisation), on the first backend that loads.
  const preferred = requested === 'onnxruntime' ? undefined : requested
  const attempts: BackendAttempt[] = []
  const order = preferred ? [preferred] : BACKEND_ORDER
  for (const name of order) {
    const reason = await loaders[name]()
    attempts.push({ name, ok: reason === null, reason: reason ?? 'selected' })
    if (reason === null) {
      for (const rest of BACKEND_ORDER) {
        if (!attempts.some((a) => a.name === rest)) {
          attempts.push({
            name: rest,
            ok: false,
            reason: `not tried: ${preferred ? `"${preferred}" was requested` : `"${name}" comes first`}`,
          })
        }
      }
      await tf.ready()
      return {
        backend: name,
        forward,
        attempts: [...attempts, ortAttempt],
        singleWorker: name === 'tensorflow' || name === 'tensorflow-gpu' || forward === 'onnxruntime',
      }
    }
  }
  throw new Error(
    `No TF.js backend could start (${attempts.map((a) => `${a.name}: ${a.reason}`).join('; ')}). ` +
      (preferred ? `Unset HFC_BACKEND or --backend to let HFC Lab pick one.` : 'Reinstall the app with npm ci.'),
  )
}

/**
 * null when onnxruntime-node can run here, else why not. Only a requested onnxruntime is loaded
 * (a native addon); otherwise it is merely found, so wasm workers do not each carry it.
 */
async function probeOnnxRuntime(load: boolean): Promise<string | null> {
  try {
    if (load) await import('onnxruntime-node')
    else requireCjs.resolve('onnxruntime-node')
    return null
  } catch (e) {
    return `onnxruntime-node is not usable (${(e as Error).message.split('\n')[0]})`
  }
}
