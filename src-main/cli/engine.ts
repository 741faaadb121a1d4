import { EngineHost } from '../engine/host'
import { parseBackendName } from '../engine/backend'
import { LabError } from '../engine/errors'
import { ERROR_CODES, LabCallError } from '../protocol/errors'
import type { Progress } from '../protocol/messages'

export interface EngineOptions {
  backend?: string
  workers?: string
}

/** Starts the engine for one command, and always shuts it down. */
export async function withEngine<T>(options: EngineOptions, run: (host: EngineHost) => Promise<T>): Promise<T> {
  const host = await EngineHost.start({
    backend: parseBackendName(options.backend ?? process.env.HFC_BACKEND),
    workers: options.workers ? Number(options.workers) : undefined,
  })
  const controller = new AbortController()
  const onSigint = () => controller.abort()
  process.once('SIGINT', onSigint)
  try {
    return await run(host)
  } finally {
    process.off('SIGINT', onSigint)
    await host.close()
  }
}

/** A one-line progress bar on stderr (stdout stays clean for --json). */
export function progressBar(label: string): (p: Progress) => void {
  const tty = process.stderr.isTTY
  let lastLine = ''
  return (p) => {
    const width = 30
    const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.')
    const line = `${label} [${bar}] ${p.done}/${p.total}${p.phase ? ` ${p.phase}` : ''}`
    if (line === lastLine) return
    lastLine = line
    if (tty) process.stderr.write(`\r${line}`)
    else if (p.done === p.total) process.stderr.write(`${line}\n`)
    if (tty && p.done === p.total) process.stderr.write('\n')
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

/**
 * Turns an error into a message and exit code 1. A named error (code + what to do) prints one
 * line; an internal error or a crash also prints its detail (the stack), which its message asks
 * the user to report.
 */
export function reportError(error: unknown): never {
  if (error instanceof LabCallError || error instanceof LabError) {
    process.stderr.write(`error [${error.code}]: ${error.message}\n`)
    if (error.detail && (error.code === ERROR_CODES.internal || error.code === ERROR_CODES.engineCrashed))
      process.stderr.write(`detail:\n${error.detail}\n`)
  } else process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
