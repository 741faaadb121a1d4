import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'
import { keepOrtTelemetryOff } from '../onnx/ort-telemetry'
import { unpackedPath } from '../base/packaged-path'

/**
 * Starts the engine worker from wherever this code runs: the electron-vite bundle (out/main/worker.js
 * beside the calling chunk or one level up; in the packaged app, its unpacked copy) or the TypeScript sources under tsx/vitest, where a
 * worker needs tsx registered before it can import .ts files.
 */
export function spawnEngineWorker(options: WorkerOptions): Worker {
  keepOrtTelemetryOff()
  const here = import.meta.url
  if (here.endsWith('.ts')) {
    const source = new URL('./worker.ts', here).href
    const bootstrap = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(source)}) })`
    return new Worker(bootstrap, { ...options, eval: true })
  }
  for (const rel of ['./worker.js', '../worker.js']) {
    const file = unpackedPath(fileURLToPath(new URL(rel, here)))
    if (existsSync(file)) return new Worker(pathToFileURL(file), options)
  }
  throw new Error(`Engine worker bundle not found next to ${fileURLToPath(here)}; run "npm run build".`)
}
