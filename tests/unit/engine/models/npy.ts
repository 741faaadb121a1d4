import { readFileSync } from 'node:fs'

/** Reads a little-endian .npy array of uint8 or float32 (enough for the Keras fixtures). */
export function readNpy(path: string): { data: Float32Array; shape: number[] } {
  const bytes = readFileSync(path)
  const headerLength = bytes.readUInt16LE(8)
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1')
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1]
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number)
  const body = bytes.subarray(10 + headerLength)
  if (descr === '|u1') return { data: Float32Array.from(body), shape }
  if (descr === '<f4') return { data: new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)), shape }
  throw new Error(`unsupported npy dtype ${descr}`)
}
