import type { BackendName } from './backend-names'
import { registerFastWasmOps } from '../ops'

/** Registers the engine's own ops for the chosen backend: exact Sign and friends, fast wasm gradients (and training). */
export function registerEngineOps(backend: BackendName): void {
  if (backend === 'wasm') registerFastWasmOps()
}
