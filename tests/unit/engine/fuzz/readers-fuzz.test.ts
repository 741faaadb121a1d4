import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { REPO } from '../../paths'

/** The default seed; HFC_FUZZ_SEED=<n> runs another sample of mutations. */
const SEED = Number(process.env.HFC_FUZZ_SEED ?? 20260312)
/** V8 heap of the child: a heap blow-up aborts the child, which fails the test naming the case. */
const HEAP_MB = 768
/** Resident memory (heap, buffers, wasm) past which the child is killed as a blow-up. */
const RSS_LIMIT_BYTES = 2 * 2 ** 30
/** Only a safety net against a hang; the work itself is bounded by the number of cases. */
const HANG_GUARD_MS = 170_000

interface CaseLine {
  case?: number
  target?: string
  what?: string
  start?: boolean
  outcome?: 'ok' | 'named' | 'untyped'
  code?: string
  message?: string
  error?: string
  done?: number
}

function residentBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : null
  } catch {
    return null
  }
}

/** Runs every case in a child process and collects its report lines; kills it on a blow-up or hang. */
function runChild(seed: number, scratch: string): Promise<{ lines: CaseLine[]; exit: string }> {
  const script = fileURLToPath(new URL('./fuzz-child.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', `--max-old-space-size=${HEAP_MB}`, script, String(seed), scratch], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: CaseLine[] = []
  let buffered = ''
  let stderr = ''
  let killedFor = ''
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8')
    const parts = buffered.split('\n')
    buffered = parts.pop() ?? ''
    for (const line of parts) if (line.startsWith('FUZZ ')) lines.push(JSON.parse(line.slice(5)) as CaseLine)
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000)
  })
  const watch = setInterval(() => {
    const rss = child.pid ? residentBytes(child.pid) : null
    if (rss !== null && rss > RSS_LIMIT_BYTES) {
      killedFor = `resident memory ${(rss / 2 ** 30).toFixed(2)} GiB passed the ${RSS_LIMIT_BYTES / 2 ** 30} GiB guard`
      child.kill('SIGKILL')
    }
  }, 100)
  const hang = setTimeout(() => {
    killedFor = 'no end within the hang guard'
    child.kill('SIGKILL')
  }, HANG_GUARD_MS)
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearInterval(watch)
      clearTimeout(hang)
      resolve({ lines, exit: killedFor || (code === 0 ? '' : `exit ${code ?? signal}: ${stderr.split('\n').slice(-8).join('\n')}`) })
    })
  })
}

describe('reader and loader fuzz (seeded, bounded by case count)', () => {
  it(`every mutated input ends in success or a named error, never an untyped error, crash, blow-up or hang (seed ${SEED})`, async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'hfc-fuzz-'))
    const { lines, exit } = await runChild(SEED, scratch).finally(() => rmSync(scratch, { recursive: true, force: true }))
    const started = lines.filter((l) => l.start)
    const finished = lines.filter((l) => l.outcome)
    const last = started[started.length - 1]
    // A crash or blow-up names the case that was running.
    expect(exit, last ? `while running case ${last.case} (${last.target}: ${last.what})` : 'before any case').toBe('')
    expect(lines.at(-1)?.done).toBe(started.length)
    expect(started.length).toBeGreaterThanOrEqual(140)
    const untyped = finished
      .filter((l) => l.outcome === 'untyped')
      .map((l) => {
        const s = started.find((x) => x.case === l.case)!
        return `case ${l.case} (${s.target}: ${s.what}): ${l.error}`
      })
    expect(untyped).toEqual([])
    // The mutations reach past the readers' first checks: some inputs still open, many are refused.
    expect(finished.filter((l) => l.outcome === 'ok').length).toBeGreaterThan(10)
    expect(new Set(finished.map((l) => l.code).filter(Boolean)).size).toBeGreaterThan(8)
  }, 180_000)
})
