import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

/** Reads a file of the built renderer; never anything outside its folder. 'malformed': a bad percent-escape. */
export async function readStatic(root: string, pathname: string): Promise<{ body: Buffer; type: string } | 'malformed' | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname === '/' ? '/index.html' : pathname)
  } catch {
    return 'malformed'
  }
  const rel = normalize(decoded).replace(/^([/\\])+/, '')
  const file = join(root, rel)
  if (!(file === root || file.startsWith(root.endsWith(sep) ? root : root + sep))) return null
  try {
    return { body: await readFile(file), type: MIME[extname(file)] ?? 'application/octet-stream' }
  } catch {
    return null
  }
}
