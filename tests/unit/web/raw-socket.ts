import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'

/**
 * Raw bytes over TCP, for requests no well-behaved client would send: the tests of the browser
 * host write exactly the bytes a hostile local process could, and read what comes back.
 */

/** Sends `request` as is and resolves with everything the host answered before closing (or going quiet). */
export function rawExchange(port: number, request: string | Buffer, quietMs = 1500): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let timer: NodeJS.Timeout | undefined
    const finish = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve(Buffer.concat(chunks))
    }
    const arm = () => {
      clearTimeout(timer)
      timer = setTimeout(finish, quietMs)
    }
    socket.on('connect', () => {
      socket.write(request)
      arm()
    })
    socket.on('data', (d: Buffer) => {
      chunks.push(d)
      arm()
    })
    socket.on('end', finish)
    socket.on('close', finish)
    socket.on('error', (e) => (chunks.length ? finish() : reject(e)))
  })
}

/** The status code of the first HTTP response in `bytes`, or null when there is none. */
export function statusOf(bytes: Buffer): number | null {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(bytes.toString('latin1'))
  return m ? Number(m[1]) : null
}

export function upgradeRequest(target: string, port: number, extra = ''): string {
  return (
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n` +
    `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n${extra}\r\n`
  )
}

/** One WebSocket frame; clients must mask (RFC 6455 §5.3), so `mask: false` is itself a violation. */
export function wsFrame(opcode: number, payload: Buffer, { mask = true, fin = true } = {}): Buffer {
  const len = payload.length
  const head = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10)
  head[0] = (fin ? 0x80 : 0) | opcode
  if (len < 126) head[1] = len
  else if (len < 65536) {
    head[1] = 126
    head.writeUInt16BE(len, 2)
  } else {
    head[1] = 127
    head.writeBigUInt64BE(BigInt(len), 2)
  }
  if (!mask) return Buffer.concat([head, payload])
  head[1] |= 0x80
  const key = randomBytes(4)
  const body = Buffer.from(payload)
  for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3]
  return Buffer.concat([head, key, body])
}

export interface ServerFrame {
  opcode: number
  payload: Buffer
}

/** Splits the unmasked frames a server sent; a close frame's code is its first two payload bytes. */
export function parseServerFrames(bytes: Buffer): ServerFrame[] {
  const frames: ServerFrame[] = []
  let at = 0
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at] & 0x0f
    let len = bytes[at + 1] & 0x7f
    let offset = at + 2
    if (len === 126) {
      len = bytes.readUInt16BE(offset)
      offset += 2
    } else if (len === 127) {
      len = Number(bytes.readBigUInt64BE(offset))
      offset += 8
    }
    if (offset + len > bytes.length) break
    frames.push({ opcode, payload: bytes.subarray(offset, offset + len) })
    at = offset + len
  }
  return frames
}

/** Performs the upgrade handshake over a raw socket; resolves once the 101 arrived. */
export function openRawWebSocket(port: number, token: string): Promise<{ socket: Socket; received: () => Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let buffer = Buffer.alloc(0)
    let upgraded = false
    socket.on('connect', () => socket.write(upgradeRequest(`/ws?token=${token}`, port)))
    socket.on('error', reject)
    socket.on('data', (d: Buffer) => {
      buffer = Buffer.concat([buffer, d])
      if (upgraded) return
      const end = buffer.indexOf('\r\n\r\n')
      if (end < 0) return
      if (statusOf(buffer) !== 101) return reject(new Error(`upgrade refused: ${buffer.toString('latin1', 0, end)}`))
      upgraded = true
      buffer = buffer.subarray(end + 4)
      resolve({ socket, received: () => buffer })
    })
  })
}

/** Writes frames on an open raw WebSocket and resolves with the frames the host sent until it closed (or went quiet). */
export function exchangeFrames(port: number, token: string, frames: Buffer[], quietMs = 1500): Promise<ServerFrame[]> {
  return openRawWebSocket(port, token).then(
    ({ socket, received }) =>
      new Promise((resolve) => {
        let timer: NodeJS.Timeout | undefined
        const finish = () => {
          clearTimeout(timer)
          socket.destroy()
          resolve(parseServerFrames(received()))
        }
        const arm = () => {
          clearTimeout(timer)
          timer = setTimeout(finish, quietMs)
        }
        socket.on('data', arm)
        socket.on('close', finish)
        socket.removeAllListeners('error')
        socket.on('error', finish)
        for (const f of frames) socket.write(f)
        arm()
      }),
  )
}

export const closeCodeOf = (frames: ServerFrame[]): number | null => {
  const close = frames.find((f) => f.opcode === 0x8)
  return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : null
}
