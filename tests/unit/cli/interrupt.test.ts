import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startCli } from './cli-process'

const work = mkdtempSync(join(tmpdir(), 'hfc-interrupt-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

async function waitFor(condition: () => boolean, what: string, timeoutMs = 240_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Carlini-Wagner on 1,000 MNIST images: minutes of work, far longer than these tests wait. */
const LONG_ATTACK = ['--workers', '1', 'attack', '--model', 'mnist', '--data', 'mnist', '--limit', '1000', '--attack', 'cw']

describe('Ctrl+C in the CLI', () => {
  it('cancels a running attack, says nothing was written, and exits 130', async () => {
    const out = join(work, 'attack')
    const cache = join(work, 'cache')
    const run = startCli([...LONG_ATTACK, '--out', out], { HFC_CACHE_DIR: cache })
    // The attack writes nothing until it ends; the engine choice it measures first marks that it runs.
    await waitFor(() => existsSync(join(cache, 'engine-choices.json')), 'the measured engine choice')
    run.child.kill('SIGINT')
    const result = await run.done
    expect(result.code).toBe(130)
    expect(result.stderr).toContain('error [INTERRUPTED]: Stopped (Ctrl+C): the running job was cancelled. Nothing was written')
    expect(existsSync(join(out, 'summary.json'))).toBe(false)
  }, 240_000)

  it('keeps the gallery samples already written and marks the manifest cancelled', async () => {
    const out = join(work, 'gallery')
    const run = startCli([
      '--workers',
      '1',
      'gallery',
      '--model',
      'mnist',
      '--data',
      'mnist',
      '--limit',
      '400',
      '--attacks',
      'hf,salt-pepper',
      '--out',
      out,
    ])
    const manifest = () => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { status: string; counts: { written: number } }
    await waitFor(() => existsSync(join(out, 'manifest.json')) && manifest().counts.written > 0, 'the first written batch')
    run.child.kill('SIGINT')
    const result = await run.done
    expect(result.code).toBe(130)
    const kept = manifest()
    expect(kept.status).toBe('cancelled')
    expect(kept.counts.written).toBeLessThan(400)
    expect(result.stderr).toContain(`Kept the ${kept.counts.written} sample(s) written so far in ${out} (manifest.json status: cancelled)`)
  }, 300_000)

  it('stops a shard on SIGTERM with exit 143, keeps its finished batches and frees the folder for the resume', async () => {
    const out = join(work, 'shard')
    const args = [...LONG_ATTACK.slice(0, 10), 'salt-pepper', '--shard', '0/1', '--batch-size', '20', '--out', out]
    const run = startCli(args)
    const batches = () => (existsSync(join(out, 'batches')) ? readdirSync(join(out, 'batches')).filter((n) => !n.startsWith('.')) : [])
    await waitFor(() => batches().length > 0, 'the first saved batch')
    run.child.kill('SIGTERM')
    const result = await run.done
    expect(result.code).toBe(143)
    const kept = batches().length
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(50)
    expect(result.stderr).toContain(
      `Stopped (SIGTERM): the running job was cancelled. Kept ${kept} finished batch(es) (${kept * 20} samples) of shard 0/1`,
    )
    expect(readdirSync(out)).not.toContain('.hfc-lab-shard.lock')
    expect(readdirSync(join(out, 'batches')).filter((n) => n.startsWith('.'))).toEqual([])
  }, 400_000)
})
