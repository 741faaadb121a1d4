import { describe, expect, it } from 'vitest'
import { startCli } from '../cli-process'
import { connectHost, waitForUrl } from '../../web/ws-client'

describe('hfc-lab serve', () => {
  it('refuses a gallery export under /proc with OUT_NOT_WRITABLE, then stops cleanly on SIGTERM with a client connected', async () => {
    // The out-root is /proc itself, so the trust model lets the export through to the engine, whose
    // folder check must answer at once (a recursive mkdir there never returns).
    const { child, done } = startCli(['serve', '--port', '0', '--workers', '1', '--out-root', '/proc'])
    const client = await connectHost(await waitForUrl(child))
    const model = await client.call<{ id: string }>('model.open', { defaultId: 'mnist' })
    const data = await client.call<{ id: string }>('data.open', { defaultId: 'mnist' })
    const exported = client.call('gallery.export', {
      modelId: model.id,
      datasetId: data.id,
      attacks: [{ id: 'hf' }],
      limit: 2,
      out: '/proc/hfc-lab-export',
    })
    await expect(exported).rejects.toMatchObject({
      code: 'OUT_NOT_WRITABLE',
      message: expect.stringContaining('Cannot write to /proc/hfc-lab-export: choose another folder'),
    })
    child.kill('SIGTERM')
    const result = await done
    expect(result).toMatchObject({ code: 0, signal: null })
    expect(result.stdout).toContain('SIGTERM: stopping HFC Lab')
  })

  it('stops cleanly on SIGINT (Ctrl+C)', async () => {
    const { child, done } = startCli(['serve', '--port', '0', '--workers', '1'])
    const client = await connectHost(await waitForUrl(child))
    await client.call('engine.info', {})
    child.kill('SIGINT')
    expect(await done).toMatchObject({ code: 0, signal: null })
  })
})
