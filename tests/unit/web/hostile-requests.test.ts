import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { EngineHost } from '../../../src-main/engine/runtime/host'
import { startWebHost, type WebHost } from '../../../src-main/web/server'
import { closeCodeOf, exchangeFrames, rawExchange, statusOf, upgradeRequest, wsFrame } from './raw-socket'

const TEXT = 0x1

/**
 * Each request a hostile local process could send gets a clean refusal (an HTTP status or a
 * WebSocket close code / error reply), and the host keeps serving: after every case a real
 * page load and a real engine call still succeed.
 */
describe('browser host survives hostile requests', () => {
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

  async function expectStillServing(): Promise<void> {
    const page = await fetch(`http://127.0.0.1:${web.port}/?token=${web.token}`)
    expect(page.status).toBe(200)
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`, { headers: { origin: `http://127.0.0.1:${web.port}` } })
    const reply = await new Promise<{ result?: { backend: string } }>((resolve, reject) => {
      ws.once('error', reject)
      ws.once('open', () => ws.send(JSON.stringify({ type: 'call', id: 'ok', method: 'engine.info', params: {} })))
      ws.once('message', (raw) => resolve(JSON.parse(raw.toString())))
    })
    ws.close()
    expect(reply.result?.backend).toBe('wasm')
  }

  const host = () => `Host: 127.0.0.1:${web.port}\r\n`

  it('answers an unparsable request target without the token with 400', async () => {
    const answer = await rawExchange(web.port, `GET http://[::1/ HTTP/1.1\r\n${host()}\r\n`)
    expect(statusOf(answer)).toBe(400)
    await expectStillServing()
  })

  it('answers an unparsable WebSocket upgrade target without the token with 400', async () => {
    const answer = await rawExchange(web.port, upgradeRequest('http://[::1/', web.port))
    expect(statusOf(answer)).toBe(400)
    await expectStillServing()
  })

  it('answers a malformed percent-escape with the token with 400', async () => {
    const answer = await rawExchange(web.port, `GET /%E0%A4%A?token=${web.token} HTTP/1.1\r\n${host()}\r\n`)
    expect(statusOf(answer)).toBe(400)
    expect(statusOf(await rawExchange(web.port, `GET /%00?token=${web.token} HTTP/1.1\r\n${host()}\r\n`))).toBe(404)
    await expectStillServing()
  })

  it('survives a client that resets the connection during a refused upgrade', async () => {
    const { connect } = await import('node:net')
    await new Promise<void>((resolve) => {
      const socket = connect(web.port, '127.0.0.1', () => {
        socket.write(upgradeRequest('/ws', web.port))
        socket.resetAndDestroy()
        resolve()
      })
    })
    await expectStillServing()
  })

  it('closes a WebSocket with 1009 when one message is over 1 MiB', async () => {
    const big = Buffer.alloc((1 << 20) + 1, 0x20)
    const frames = await exchangeFrames(web.port, web.token, [wsFrame(TEXT, big)])
    expect(closeCodeOf(frames)).toBe(1009)
    await expectStillServing()
  })

  it('closes a WebSocket with 1007 on a text message that is not UTF-8', async () => {
    const frames = await exchangeFrames(web.port, web.token, [wsFrame(TEXT, Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]))])
    expect(closeCodeOf(frames)).toBe(1007)
    await expectStillServing()
  })

  it('closes a WebSocket with 1002 on an unmasked client frame', async () => {
    const frames = await exchangeFrames(web.port, web.token, [wsFrame(TEXT, Buffer.from('{}'), { mask: false })])
    expect(closeCodeOf(frames)).toBe(1002)
    await expectStillServing()
  })

  it('closes a WebSocket with 1002 on a reserved opcode', async () => {
    const frames = await exchangeFrames(web.port, web.token, [wsFrame(0x3, Buffer.from('x'))])
    expect(closeCodeOf(frames)).toBe(1002)
    await expectStillServing()
  })

  it('answers bad $typed values and absurd nesting with INVALID_REQUEST and keeps the socket open', async () => {
    const bad = [
      { $typed: 'BigInt64Array', b64: 'AAAAAAAAAAA=' },
      { $typed: 'constructor', b64: '' },
      { $typed: '__proto__', b64: '' },
      { $typed: 'Float32Array', b64: '!!!not base64' },
      { $typed: 'Float32Array', b64: 'AAAA' },
    ]
    const calls = bad.map((value, k) =>
      wsFrame(
        TEXT,
        Buffer.from(JSON.stringify({ type: 'call', id: `t${k}`, method: 'data.thumbnails', params: { datasetId: 'x', indices: value } })),
      ),
    )
    // Nesting deep enough to overflow a recursive decoder (400 kB, under the message limit).
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`
    calls.push(
      wsFrame(TEXT, Buffer.from(`{"type":"call","id":"deep","method":"data.thumbnails","params":{"datasetId":"x","indices":${deep}}}`)),
    )
    calls.push(wsFrame(TEXT, Buffer.from(JSON.stringify({ type: 'call', id: 'after', method: 'engine.info', params: {} }))))
    const frames = await exchangeFrames(web.port, web.token, calls)
    const replies = frames
      .filter((f) => f.opcode === TEXT)
      .map((f) => JSON.parse(f.payload.toString()) as { id: string; type: string; error?: { code: string } })
    for (let k = 0; k < bad.length; k++) expect(replies.find((r) => r.id === `t${k}`)?.error?.code).toBe('INVALID_REQUEST')
    expect(replies.find((r) => r.id === 'deep' || r.id === '?')?.error?.code).toBe('INVALID_REQUEST')
    expect(replies.find((r) => r.id === 'after')?.type).toBe('result')
    expect(closeCodeOf(frames)).toBeNull()
    await expectStillServing()
  })
})
