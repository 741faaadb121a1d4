import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { decodeFromJson, encodeForJson } from '../protocol/codec'
import { createDispatcher } from '../protocol/dispatch'
import { ERROR_CODES } from '../protocol/errors'
import type { LabApi } from '../protocol/lab-api'
import { clientMessageSchema, type ServerMessage } from '../protocol/messages'
import { confineToAccess, resolveAccess, type HostAccess } from './path-policy'
import { rendererDir } from './renderer-dir'
import { allowedHost, allowedOrigin, checkToken, contentSecurityPolicy, sameToken, TOKEN_COOKIE, tokenFromRequest } from './security'
import { readStatic } from './static'

export interface WebHost {
  url: string
  port: number
  token: string
  access: HostAccess
  close(): Promise<void>
}

export interface WebHostOptions {
  port?: number
  /** A token of the user's (HFC_TOKEN); default: 192 random bits. */
  token?: string
  /** Folders clients may read from (default: the current folder); the embedded resources always. */
  roots?: string[]
  /** Folder every export goes under (default: ./hfc-lab-output). */
  outRoot?: string
}

/** Largest message a client may send: requests are small; images only flow to the client. */
const MAX_MESSAGE_BYTES = 1 << 20

/**
 * The browser host: the built renderer plus a WebSocket speaking LabApi, on loopback only, behind a
 * per-run token (query on first load, then an HttpOnly cookie). Wrong Host or Origin headers are
 * refused, and every path a call names is confined to the host's roots and out-root.
 */
export async function startWebHost(engine: LabApi, options: WebHostOptions = {}): Promise<WebHost> {
  if (options.token !== undefined) checkToken(options.token)
  const token = options.token ?? randomBytes(24).toString('hex')
  const access = await resolveAccess({ roots: options.roots, outRoot: options.outRoot })
  const confined = confineToAccess(engine, access)
  const root = rendererDir()
  let port = 0

  const send = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
    res.end(body)
  }

  const serveHttp = async (req: IncomingMessage, res: ServerResponse) => {
    const url = requestUrl(req, port)
    if (!url) return send(res, 400, 'Bad request: the request target is not a valid URL path.')
    if (!allowedHost(req.headers.host, port)) return send(res, 403, 'Forbidden: HFC Lab answers on 127.0.0.1 only.')
    if (!sameToken(tokenFromRequest(req, url), token))
      return send(res, 401, 'Unauthorized: open the URL with ?token=... that "hfc-lab serve" printed.')
    if (req.method !== 'GET') return send(res, 405, 'Method not allowed')
    const file = await readStatic(root, url.pathname)
    if (file === 'malformed') return send(res, 400, 'Bad request: the path has a malformed percent-escape.')
    if (!file) return send(res, 404, 'Not found')
    res.writeHead(200, {
      'content-type': file.type,
      'content-security-policy': contentSecurityPolicy(port),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'set-cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    })
    res.end(file.body)
  }
  // No request may end the host: whatever escapes the handler becomes a 500 for that request only.
  const server: Server = createServer((req, res) => {
    serveHttp(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'Internal error while serving this request.')
      else res.destroy()
    })
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head) => {
    // A client that resets the connection mid-handshake must not raise an unhandled 'error'.
    socket.on('error', () => socket.destroy())
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    const url = requestUrl(req, port)
    if (!url) return refuse(400, 'Bad Request')
    if (url.pathname !== '/ws') return refuse(404, 'Not Found')
    if (!allowedHost(req.headers.host, port) || !allowedOrigin(req.headers.origin, port)) return refuse(403, 'Forbidden')
    if (!sameToken(tokenFromRequest(req, url), token)) return refuse(401, 'Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(confined, ws))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  server.removeAllListeners('error')
  // Once listening, a failed accept (e.g. out of file descriptors) costs that connection, not the host.
  server.on('error', (error) => console.error(`HFC Lab browser host: ${error.message}`))
  port = (server.address() as AddressInfo).port
  return {
    port,
    token,
    access,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate()
        wss.close()
        server.close(() => resolve())
      }),
  }
}

/** The request target as a URL, or null when it is not one (e.g. `http://[::1/`): such a request gets a 400. */
function requestUrl(req: IncomingMessage, port: number): URL | null {
  try {
    return new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
  } catch {
    return null
  }
}

function serveSocket(engine: LabApi, ws: WebSocket): void {
  const sendJson = (message: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
  }
  const dispatcher = createDispatcher(
    engine,
    (message: ServerMessage) => {
      try {
        sendJson(encodeForJson(message))
      } catch (error) {
        sendJson({
          type: 'error',
          id: message.id,
          error: { code: ERROR_CODES.internal, message: `The reply could not be encoded: ${String(error)}` },
        })
      }
    },
    decodeFromJson,
  )
  ws.on('message', (raw, isBinary) => {
    let parsed
    try {
      parsed = isBinary ? null : clientMessageSchema.safeParse(JSON.parse(raw.toString()))
    } catch {
      parsed = null
    }
    if (!parsed?.success) {
      sendJson({
        type: 'error',
        id: '?',
        error: { code: ERROR_CODES.invalidRequest, message: 'Malformed message: expected {type, id, ...} JSON text.' },
      })
      return
    }
    dispatcher.handle(parsed.data)
  })
  // Protocol violations (oversized, unmasked or bad-opcode frames, invalid UTF-8): ws has already
  // sent the matching close code (1009, 1002, 1007); the listener keeps the error from ending the host.
  ws.on('error', () => undefined)
  ws.on('close', () => dispatcher.abortAll())
}
