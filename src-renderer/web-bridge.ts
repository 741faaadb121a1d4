import { decodeFromJson, encodeForJson } from '../src-main/protocol/codec'
import type { CallEvent, LabBridge } from '../src-main/protocol/lab-api'
import { serverMessageSchema } from '../src-main/protocol/messages'

/**
 * The browser host's side of window.lab: the same LabBridge over a WebSocket to 127.0.0.1, carrying
 * the token the page was opened with. Every incoming message is validated before use.
 */
export function createWebBridge(token: string): LabBridge {
  const listeners = new Map<string, (event: CallEvent) => void>()
  const queue: string[] = []
  let counter = 0
  let socket: WebSocket | null = null

  const connect = () => {
    const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`)
    ws.onopen = () => {
      for (const message of queue.splice(0)) ws.send(message)
    }
    ws.onmessage = (event) => {
      const parsed = serverMessageSchema.safeParse(decodeFromJson(JSON.parse(String(event.data))))
      if (!parsed.success) return
      const { id, ...rest } = parsed.data
      const listener = listeners.get(id)
      if (!listener) return
      if (rest.type === 'result' || rest.type === 'error' || rest.type === 'cancelled') listeners.delete(id)
      listener(rest as CallEvent)
    }
    ws.onclose = () => {
      socket = null
      for (const [id, listener] of listeners) {
        listener({
          type: 'error',
          error: { code: 'DISCONNECTED', message: 'Lost the connection to the HFC Lab host; is "hfc-lab serve" still running?' },
        })
        listeners.delete(id)
      }
    }
    socket = ws
    return ws
  }

  const sendRaw = (message: unknown) => {
    const text = JSON.stringify(encodeForJson(message))
    const ws = socket ?? connect()
    if (ws.readyState === WebSocket.OPEN) ws.send(text)
    else queue.push(text)
  }

  return {
    transport: 'web',
    start(method, params, onEvent) {
      const id = `w${++counter}`
      listeners.set(id, onEvent)
      sendRaw({ type: 'call', id, method, params })
      return id
    },
    cancel(id) {
      sendRaw({ type: 'cancel', id })
    },
  }
}
