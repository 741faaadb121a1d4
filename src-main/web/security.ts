import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { ERROR_CODES, LabCallError } from '../protocol/errors'

export const TOKEN_COOKIE = 'hfc_token'

/** The same policy the Electron window gets: nothing but this origin and its WebSocket. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ')
}

/** At least 128 bits in characters a URL and a cookie carry unchanged (32 hex digits or more). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,512}$/

/** Refuses a token of the user's (HFC_TOKEN) that is guessable or would not survive a URL. */
export function checkToken(token: string): void {
  if (TOKEN_PATTERN.test(token)) return
  throw new LabCallError({
    code: ERROR_CODES.weakToken,
    message:
      'HFC_TOKEN must be 32 to 512 characters of A-Z, a-z, 0-9, "-" or "_" (128 bits or more), e.g. the output of "openssl rand -hex 16". Unset it to get a random token.',
  })
}

export function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function tokenFromRequest(req: IncomingMessage, url: URL): string | null {
  const fromQuery = url.searchParams.get('token')
  if (fromQuery) return fromQuery
  const cookie = req.headers.cookie ?? ''
  for (const part of cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name === TOKEN_COOKIE) return rest.join('=')
  }
  return null
}

/** Loopback names only: a DNS-rebinding page on another name must not reach the engine. */
export function allowedHost(hostHeader: string | undefined, port: number): boolean {
  return hostHeader === `127.0.0.1:${port}` || hostHeader === `localhost:${port}`
}

export function allowedOrigin(origin: string | undefined, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
}
