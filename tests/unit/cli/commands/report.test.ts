import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../cli-process'

describe('hfc-lab report', () => {
  it('refuses an unknown preset and a bad --limit with a line saying what to give, before any engine work', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'hfc-report-cli-')), 'r')
    const preset = await runCli(['report', '--model', 'mnist', '--data', 'mnist', '--out', out, '--preset', 'full'])
    expect(preset.code).toBe(1)
    expect(preset.stderr).toContain('--preset must be quick or paper, got "full"')
    const limit = await runCli(['report', '--model', 'mnist', '--data', 'mnist', '--out', out, '--limit', '0'])
    expect(limit.code).toBe(1)
    expect(limit.stderr).toContain('--limit must be a whole number of at least 1, got 0')
  }, 120_000)

  it('refuses a --shard that is not I/N with I below N, saying what to write, before any engine work', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'hfc-report-cli-')), 's')
    const beyond = await runCli(['report', '--model', 'mnist', '--data', 'mnist', '--out', out, '--shard', '2/2'])
    expect(beyond.code).toBe(1)
    expect(beyond.stderr).toContain('Shard index 2 is not below the shard count 2 (indices run 0 to 1)')
    const bare = await runCli(['report', '--model', 'mnist', '--data', 'mnist', '--out', out, '--shard', '1'])
    expect(bare.code).toBe(1)
    expect(bare.stderr).toContain('needs the shard count: write I/N, e.g. 1/4')
  }, 120_000)

  it('names a folder it cannot write into, with what to do', async () => {
    const { code, stderr } = await runCli(['report', '--model', 'mnist', '--data', 'mnist', '--out', '/proc/hfc-report', '--limit', '2'])
    expect(code).toBe(1)
    expect(stderr).toMatch(/error \[OUT_NOT_WRITABLE\]: Cannot write to \/proc\/hfc-report: choose another folder/)
  }, 180_000)
})
