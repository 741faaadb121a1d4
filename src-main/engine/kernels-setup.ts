import type { BackendName } from './backend'
import { registerFastWasmKernels } from './kernels'

/** Registers the engine's own kernels for the chosen backend: fast wasm gradients (and training). */
export function registerEngineKernels(backend: BackendName): void {
  if (backend === 'wasm') registerFastWasmKernels()
}
