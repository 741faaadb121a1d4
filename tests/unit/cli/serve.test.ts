import { describe, expect, it } from 'vitest'
import { runCli } from './cli-process'

describe('hfc-lab serve', () => {
  it('lists the trust-model flags in its help', async () => {
    const { code, stdout } = await runCli(['serve', '--help'])
    expect(code).toBe(0)
    expect(stdout).toContain('--root <dir>')
    expect(stdout).toContain('--out-root <dir>')
    expect(stdout).toContain('HFC_TOKEN')
  })

  it('refuses a short HFC_TOKEN with a named error before starting anything', async () => {
    const { code, stderr } = await runCli(['serve', '--port', '0'], { HFC_TOKEN: 'a' })
    expect(code).toBe(1)
    expect(stderr).toContain('WEAK_TOKEN')
  })

  it('refuses a --root that is not a folder, naming it', async () => {
    const { code, stderr } = await runCli(['serve', '--port', '0', '--root', '/no/such/folder'])
    expect(code).toBe(1)
    expect(stderr).toContain('/no/such/folder')
    expect(stderr).toContain('--root')
  })
})
