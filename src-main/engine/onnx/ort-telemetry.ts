import { isMainThread } from 'node:worker_threads'

/** The variable onnxruntime-node's native library reads (1 = off, 0 = on) before it starts its telemetry. */
export const ORT_TELEMETRY_SWITCH = 'ORT_DISABLE_TELEMETRY'

/**
 * Keeps onnxruntime's usage telemetry off unless the user set the switch themselves: left on, the
 * native library queues events with a hashed machine id under ~/.cache/Microsoft/DeveloperTools/
 * and leaves a mat-debug-<pid>.log in the temp folder, which an offline lab must not do silently.
 * The library reads the real process environment, which only the main thread can change (a worker's
 * process.env is a private copy), so this runs on the main thread before any worker loads it.
 */
export function keepOrtTelemetryOff(): void {
  if (isMainThread && process.env[ORT_TELEMETRY_SWITCH] === undefined) process.env[ORT_TELEMETRY_SWITCH] = '1'
}
