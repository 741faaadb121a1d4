import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { RESOURCES, SHARED_DATA } from '../../paths'
import { describeWithData } from '../../needs-data'
import { runCli, runCliOk, startCli } from '../cli-process'

/**
 * A seeded, randomised attack (Salt & Pepper) over 24 randomly drawn MNIST test images, as two
 * Slurm array tasks (--array=1-2). Task 1 is killed after its first saved batch and run again.
 */
const ATTACK = [
  ['attack', '--model', 'mnist', '--data', join(SHARED_DATA, 'mnist')],
  ['--n', '24', '--seed', '5'],
  ['--attack', 'salt-pepper', '--param', 'repetitions=2', '--param', 'epsilons=20'],
].flat()
const slurm = (task: number) => ({ SLURM_ARRAY_TASK_ID: String(task), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '2' })

const work = mkdtempSync(join(tmpdir(), 'hfc-resume-'))
const dir = (name: string) => join(work, name)
afterAll(() => rmSync(work, { recursive: true, force: true }))
const batchDirs = (shard: string) => {
  const batches = join(shard, 'batches')
  return existsSync(batches) ? readdirSync(batches).filter((n) => !n.startsWith('.')) : []
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 240_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describeWithData('a shard killed half-way', () => {
  let before: Map<string, number>
  let rerun: string
  const shard0 = dir('attack/shard-0')

  beforeAll(async () => {
    const first = startCli(['--workers', '1', ...ATTACK, '--shard', 'auto', '--batch-size', '2', '--out', shard0], slurm(1))
    await waitFor(() => batchDirs(shard0).length >= 1 || first.child.exitCode !== null, 'the first saved batch')
    first.child.kill('SIGKILL')
    const killed = await first.done
    expect(killed.signal).toBe('SIGKILL')
    cpSync(shard0, dir('killed-copy/shard-0'), { recursive: true })
    before = new Map(batchDirs(shard0).map((name) => [name, statSync(join(shard0, 'batches', name)).mtimeMs]))
    rerun = (await runCliOk(['--workers', '1', ...ATTACK, '--shard', 'auto', '--batch-size', '2', '--out', shard0], slurm(1))).stdout
    await runCliOk(['--workers', '1', ...ATTACK, '--shard', 'auto', '--batch-size', '2', '--out', dir('attack/shard-1')], slurm(2))
  }, 600_000)

  it('finishes when run again without redoing the batches it had saved', () => {
    expect(before.size).toBeGreaterThanOrEqual(1)
    expect(before.size).toBeLessThan(6)
    for (const [name, mtime] of before) expect(statSync(join(shard0, 'batches', name)).mtimeMs).toBe(mtime)
    expect(batchDirs(shard0)).toHaveLength(6)
    expect(rerun).toContain(`${6 - before.size} batch(es) run, ${before.size} already on disk`)
    const record = JSON.parse(readFileSync(join(shard0, 'shard.json'), 'utf8'))
    expect(record.attempts).toHaveLength(2)
    expect(record.attempts[1]).toMatchObject({ batchesResumed: before.size, batchesRun: 6 - before.size })
    expect(record.shard).toMatchObject({ index: 0, count: 2, start: 0, end: 12 })
  })

  it('merges into exactly the files of the unsharded attack', async () => {
    await runCliOk([...ATTACK, '--out', dir('attack-full')])
    await runCliOk(['merge', shard0, dir('attack/shard-1'), '--out', dir('attack-merged')])
    for (const file of ['adversarial.npy', 'samples.csv', 'spectrum.csv', 'summary.json']) {
      expect(readFileSync(join(dir('attack-merged'), file)).equals(readFileSync(join(dir('attack-full'), file))), file).toBe(true)
    }
  })

  it('refuses a missing shard, naming it', async () => {
    const result = await runCli(['merge', shard0, '--out', dir('refused-missing')])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Missing shards: 1/2')
  })

  it('refuses a duplicated shard, naming both folders', async () => {
    cpSync(shard0, dir('copy/shard-0'), { recursive: true })
    const result = await runCli(['merge', shard0, dir('copy/shard-0'), dir('attack/shard-1'), '--out', dir('refused-duplicate')])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`Duplicated shards: shard 0/2 in ${shard0} and ${dir('copy/shard-0')}`)
  })

  it('refuses a shard that did not finish', async () => {
    const result = await runCli(['merge', dir('killed-copy/shard-0'), dir('attack/shard-1'), '--out', dir('refused-unfinished')])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Unfinished shards: shard 0/2')
  })
})

describeWithData('merge', () => {
  it('refuses shards of two different models, naming both hashes', async () => {
    const other = dir('other-model')
    cpSync(join(RESOURCES, 'models', 'mnist'), other, { recursive: true })
    const weights = readFileSync(join(other, 'weights.bin'))
    weights[weights.length - 1] ^= 1
    writeFileSync(join(other, 'weights.bin'), weights)
    const evalArgs = (model: string, shard: string) => [
      '--workers',
      '1',
      'eval',
      '--model',
      model,
      '--data',
      join(SHARED_DATA, 'mnist'),
      '--limit',
      '40',
      '--shard',
      shard,
    ]
    await Promise.all([
      runCliOk([...evalArgs('mnist', '0/2'), '--out', dir('eval/a')]),
      runCliOk([...evalArgs(other, '1/2'), '--out', dir('eval/b')]),
    ])
    const result = await runCli(['merge', dir('eval/a'), dir('eval/b'), '--out', dir('refused-models')])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/different runs: .* has model SHA-256 "[0-9a-f]{64}", but .* has "[0-9a-f]{64}"/)
    expect(existsSync(dir('refused-models'))).toBe(false)
  }, 300_000)
})
