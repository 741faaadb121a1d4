import { EngineHost } from '../engine/runtime/host'
import { parseBackendName } from '../engine/compute/backend-names'
import { LabError } from '../engine/base/errors'
import { ERROR_CODES, LabCallError } from '../protocol/errors'
import type { Progress } from '../protocol/messages'

export interface EngineOptions {
  backend?: string
  workers?: string
}

/** The user stopped a command (Ctrl+C or SIGTERM); says what was kept. */
export class Interrupted extends LabError {
  constructor(
    readonly signal: 'SIGINT' | 'SIGTERM',
    kept: string,
  ) {
    super('INTERRUPTED', `Stopped (${signal === 'SIGINT' ? 'Ctrl+C' : 'SIGTERM'}): the running job was cancelled. ${kept}`)
  }

  /** 128 + the signal's number, as a shell reports a command a signal stopped. */
  get exitCode(): number {
    return this.signal === 'SIGINT' ? 130 : 143
  }
}

const NOTHING_KEPT =
  'Nothing was written: this command saves its results when it finishes (run it with --shard to save each finished batch).'

/** Jobs of at most this many images run on one worker when --workers is not given. */
export const SMALL_JOB_IMAGES = 16

/**
 * Every worker opens the model (opening is broadcast so any worker can serve a shard), which for
 * a large model costs seconds per worker; a job of a few images gains nothing from a second
 * worker, so without an explicit --workers it gets one (a ResNet-18 eval of one image: 26 s with
 * two workers against 12 s with one on the 2-core build machine).
 */
export function workersForImages(options: EngineOptions, images: number | undefined): EngineOptions {
  return options.workers === undefined && images !== undefined && images <= SMALL_JOB_IMAGES ? { ...options, workers: '1' } : options
}

/**
 * Starts the engine for one command, and always shuts it down. The first Ctrl+C (or SIGTERM)
 * cancels every engine call through the host's signal and ends the command with Interrupted,
 * saying what `kept` reports was kept (it may still ask the engine, before it shuts down); a
 * second one exits at once.
 */
export async function withEngine<T>(
  options: EngineOptions,
  run: (host: EngineHost) => Promise<T>,
  kept: (host: EngineHost) => Promise<string> | string = () => NOTHING_KEPT,
): Promise<T> {
  const controller = new AbortController()
  let stoppedBy: 'SIGINT' | 'SIGTERM' | null = null
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (stoppedBy) {
      // At once: the signal's default action ends the process now; process.exit would first tear
      // down the workers, and onnxruntime aborts when torn down mid-call. A lock left behind is
      // taken over by the next run (its pid is gone).
      process.off('SIGINT', onSigint)
      process.off('SIGTERM', onSigterm)
      process.kill(process.pid, signal)
      return
    }
    stoppedBy = signal
    process.stderr.write(
      `\nStopping: cancelling the running job and keeping what is finished (${signal === 'SIGINT' ? 'Ctrl+C' : 'SIGTERM'} again quits at once)\n`,
    )
    controller.abort()
  }
  const onSigint = () => onSignal('SIGINT')
  const onSigterm = () => onSignal('SIGTERM')
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigterm)
  try {
    const host = await EngineHost.start({
      backend: parseBackendName(options.backend ?? process.env.HFC_BACKEND),
      workers: options.workers ? Number(options.workers) : undefined,
      signal: controller.signal,
    })
    try {
      return await run(host)
    } catch (error) {
      if (stoppedBy) throw new Interrupted(stoppedBy, await kept(host))
      throw error
    } finally {
      await host.close()
    }
  } finally {
    process.off('SIGINT', onSigint)
    process.off('SIGTERM', onSigterm)
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
 * Turns an error into a message and the exit code (1; 130/143 when the user stopped the command).
 * A named error (code + what to do) prints one line; an internal error or a crash also prints its
 * detail (the stack), which its message asks the user to report.
 */
export function reportError(error: unknown): never {
  if (error instanceof LabCallError || error instanceof LabError) {
    process.stderr.write(`error [${error.code}]: ${error.message}\n`)
    if (error.detail && (error.code === ERROR_CODES.internal || error.code === ERROR_CODES.engineCrashed))
      process.stderr.write(`detail:\n${error.detail}\n`)
  } else process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(error instanceof Interrupted ? error.exitCode : 1)
}
