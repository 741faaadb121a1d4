import { isMainThread } from 'node:worker_threads'

/**
 * The variables onnxruntime's native library reads before it starts its telemetry (1 = off):
 * ORT_DISABLE_TELEMETRY in onnxruntime-node 1.30 (found in its libonnxruntime.so, checked with
 * strace), ORT_TELEMETRY_DISABLED in later onnxruntime sources. Both are set so an upgrade keeps it off.
 */
export const ORT_TELEMETRY_SWITCHES = ['ORT_DISABLE_TELEMETRY', 'ORT_TELEMETRY_DISABLED'] as const

/**
 * Keeps onnxruntime's usage telemetry off unless the user set a switch themselves: left on, the
 * native library queues events with a hashed machine id under ~/.cache/Microsoft/DeveloperTools/
 * and leaves a mat-debug-<pid>.log in the temp folder, which an offline lab must not do silently.
 * The library reads the real process environment, which only the main thread can change (a worker's
 * process.env is a private copy), so this runs on the main thread before any worker loads it.
 */
export function keepOrtTelemetryOff(): void {
  if (!isMainThread || ORT_TELEMETRY_SWITCHES.some((name) => process.env[name] !== undefined)) return
  for (const name of ORT_TELEMETRY_SWITCHES) process.env[name] = '1'
}
