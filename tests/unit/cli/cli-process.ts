import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { REPO } from '../paths'

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs)
  }
  return newest
}

/**
 * How to start the real CLI: bin/hfc-lab.js when the electron-vite build is newer than every
 * source file (as in `npm test`, which builds first), else the TypeScript sources through tsx,
 * so a stale build never stands in for the code under test. HFC_TEST_CLI=source forces the sources.
 */
function cliArgs(): string[] {
  const source = ['--import', 'tsx', join(REPO, 'src-main', 'cli', 'index.ts')]
  if (process.env.HFC_TEST_CLI === 'source') return source
  return freshBuild() ? [join(REPO, 'bin', 'hfc-lab.js')] : source
}

/** Whether out/main holds a CLI build newer than every source file. */
export function freshBuild(): boolean {
  const built = ['cli.js', 'worker.js'].map((f) => join(REPO, 'out', 'main', f))
  return built.every(existsSync) && Math.min(...built.map((f) => statSync(f).mtimeMs)) > newestSource(join(REPO, 'src-main'))
}

const SCHEDULER_VARIABLES = [
  'JOB_COMPLETION_INDEX',
  'SLURM_ARRAY_TASK_ID',
  'SLURM_ARRAY_TASK_MIN',
  'SLURM_ARRAY_TASK_STEP',
  'SLURM_ARRAY_TASK_COUNT',
]

/** Starts `hfc-lab ...args` as its own process, as a scheduler would, with `env` added. */
export function startCli(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SCHEDULER_VARIABLES.includes(k)))
  const child = spawn(process.execPath, [...cliArgs(), ...args], { cwd: REPO, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  return { child, done }
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(args, env).done
}

/** Runs the CLI and fails with its stderr unless it exits 0. */
export async function runCliOk(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await runCli(args, env)
  if (result.code !== 0) throw new Error(`hfc-lab ${args.join(' ')} exited ${result.code ?? result.signal}:\n${result.stderr}`)
  return result
}
