import type { ChildProcess } from 'node:child_process'
import { WebSocket } from 'ws'
import { decodeFromJson, encodeForJson } from '../../../src-main/protocol/codec'

export interface WsClient {
  call<T = unknown>(method: string, params: unknown): Promise<T>
  close(): void
}

/** A minimal client of the browser host's WebSocket protocol, as the renderer's web bridge speaks it. */
export async function connectHost(url: string): Promise<WsClient> {
  const { host, searchParams } = new URL(url)
  const ws = new WebSocket(`ws://${host}/ws?token=${searchParams.get('token')}`, { headers: { origin: `http://${host}` } })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const waiting = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  ws.on('message', (raw) => {
    const message = decodeFromJson(JSON.parse(raw.toString())) as {
      type: string
      id: string
      result?: unknown
      error?: { code: string; message: string }
    }
    const entry = waiting.get(message.id)
    if (!entry) return
    if (message.type === 'result') entry.resolve(message.result)
    else if (message.type === 'error') entry.reject(Object.assign(new Error(message.error!.message), { code: message.error!.code }))
    else if (message.type === 'cancelled') entry.reject(Object.assign(new Error('cancelled'), { code: 'CANCELLED' }))
    else return
    waiting.delete(message.id)
  })
  let next = 0
  return {
    call<T>(method: string, params: unknown) {
      const id = String(++next)
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
        ws.send(JSON.stringify(encodeForJson({ type: 'call', id, method, params })))
      })
    },
    close: () => ws.close(),
  }
}

const HOST_URL = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/

/** Resolves with the host URL once `child` prints it (the form `hfc-lab serve` prints); rejects if it exits first. */
export function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const onData = (chunk: Buffer) => {
      seen += chunk.toString()
      const match = seen.match(HOST_URL)
      if (match) resolve(match[0])
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code, signal) => reject(new Error(`exited (${code ?? signal}) before printing its URL:\n${seen}`)))
  })
}
