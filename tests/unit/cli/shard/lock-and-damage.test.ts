import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli, runCliOk } from '../cli-process'

const work = mkdtempSync(join(tmpdir(), 'hfc-shard-lock-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** A small eval over the embedded MNIST subset, as one shard saved in batches of 10. */
const evalShard = (out: string) => [
  '--workers',
  '1',
  'eval',
  '--model',
  'mnist',
  '--data',
  'mnist',
  '--limit',
  '30',
  '--shard',
  '0/1',
  '--batch-size',
  '10',
  '--out',
  out,
]

describe('a shard folder in use', () => {
  it('refuses a second run of the shard while the first holds it, naming its pid and the lock file', async () => {
    const out = join(work, 'busy')
    await runCliOk(evalShard(out))
    // This test's own process stands in for a first run that is still going.
    const lock = join(out, '.hfc-lab-shard.lock')
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString(), token: 'first' }))
    const second = await runCli(evalShard(out))
    expect(second.code).toBe(1)
    expect(second.stderr).toContain(`shard 0/1 is already running in ${out} (pid ${process.pid} on ${hostname()}`)
    expect(second.stderr).toContain(`remove ${lock} if that process is gone`)
    // The first run's results are untouched, and its lock is still its own.
    expect(readdirSync(join(out, 'batches'))).toHaveLength(3)
    expect(JSON.parse(readFileSync(lock, 'utf8')).token).toBe('first')
  }, 120_000)
})

describe('a damaged batch file', () => {
  const out = join(work, 'damaged')
  const file = join(out, 'batches', '00000010-00000020', 'result.json')

  it('makes merge fail with a named error that names the file and says what to do', async () => {
    await runCliOk(evalShard(out))
    const text = readFileSync(file, 'utf8')
    writeFileSync(file, text.slice(0, text.length >> 1))
    const merged = await runCli(['merge', out, '--out', join(work, 'merged-refused')])
    expect(merged.code).toBe(1)
    expect(merged.stderr).toContain('SHARD_BATCH_DAMAGED')
    expect(merged.stderr).toContain(`shard 0/1 (${out}): ${file} is damaged`)
    expect(merged.stderr).toContain('Re-run that shard with the same command line')
  }, 120_000)

  it('is run again on resume, and the shard then merges', async () => {
    const rerun = await runCliOk(evalShard(out))
    expect(rerun.stdout).toContain('1 batch(es) run, 2 already on disk (1 damaged batch(es) on disk run again)')
    await runCliOk(['merge', out, '--out', join(work, 'merged')])
    const whole = await runCliOk(['--workers', '1', 'eval', '--model', 'mnist', '--data', 'mnist', '--limit', '30', '--json'])
    const merged = JSON.parse(readFileSync(join(work, 'merged', 'evaluation.json'), 'utf8'))
    expect(merged.accuracy).toBe(JSON.parse(whole.stdout).accuracy)
  }, 120_000)
})
