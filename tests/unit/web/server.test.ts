import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { EngineHost } from '../../../src-main/engine/runtime/host'
import { startWebHost, type WebHost } from '../../../src-main/web/server'

describe('browser host security', () => {
  let engine: EngineHost
  let web: WebHost
  beforeAll(async () => {
    engine = await EngineHost.start({ backend: 'wasm', workers: 1 })
    web = await startWebHost(engine)
  })
  afterAll(async () => {
    await web.close()
    await engine.close()
  })

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${web.port}${path}`, { headers })

  it('listens on loopback and serves the app only with the token', async () => {
    expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/)
    expect((await get('/')).status).toBe(401)
    expect((await get('/?token=wrong')).status).toBe(401)
    const ok = await get(`/?token=${web.token}`)
    expect(ok.status).toBe(200)
    expect(ok.headers.get('set-cookie')).toContain('HttpOnly')
    expect((await get('/', { cookie: `hfc_token=${web.token}` })).status).toBe(200)
  })

  it('never serves a file outside the built renderer', async () => {
    expect((await get(`/../../package.json?token=${web.token}`)).status).toBe(404)
    expect((await get(`/%2e%2e/%2e%2e/package.json?token=${web.token}`)).status).toBe(404)
  })

  it('answers a WebSocket call with the token and validates every message', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`, { headers: { origin: `http://127.0.0.1:${web.port}` } })
    await new Promise((resolve) => ws.once('open', resolve))
    const replies: { type: string; id: string; result?: { backend: string }; error?: { code: string } }[] = []
    ws.on('message', (raw) => replies.push(JSON.parse(raw.toString())))
    ws.send('not json')
    ws.send(JSON.stringify({ type: 'call', id: 'a', method: 'engine.selfTest', params: { iterations: -3 } }))
    ws.send(JSON.stringify({ type: 'call', id: 'b', method: 'engine.info', params: {} }))
    await new Promise((resolve) => setTimeout(resolve, 1500))
    ws.close()
    expect(replies.find((r) => r.id === '?')?.error?.code).toBe('INVALID_REQUEST')
    expect(replies.find((r) => r.id === 'a')?.error?.code).toBe('INVALID_REQUEST')
    expect(replies.find((r) => r.id === 'b')?.result?.backend).toBe('wasm')
  })
})
