/**
 * JSON cannot carry typed arrays, which is how images travel. Over the WebSocket they are sent as
 * base64 under a tag; worker_threads and Electron IPC use structured clone and need no codec.
 */
const TAG = '$typed'
type TypedName = 'Float32Array' | 'Float64Array' | 'Uint8Array' | 'Int32Array' | 'Uint8ClampedArray' | 'Uint16Array'
const ctors = { Float32Array, Float64Array, Uint8Array, Int32Array, Uint8ClampedArray, Uint16Array }

function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

function fromBase64(b64: string): Uint8Array {
  if (b64.length % 4 !== 0 || !BASE64.test(b64)) throw new Error('typed array data is not valid base64')
  const s = atob(b64)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

export function encodeForJson(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const name = value.constructor.name as TypedName
    if (!(name in ctors)) throw new Error(`Cannot send a ${name} over the wire`)
    return { [TAG]: name, b64: toBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) }
  }
  if (Array.isArray(value)) return value.map(encodeForJson)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = encodeForJson(v)
    return out
  }
  return value
}

export function decodeFromJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeFromJson)
  if (value && typeof value === 'object') {
    const rec = value as Record<string, unknown>
    const name = rec[TAG]
    if (typeof name === 'string' && typeof rec.b64 === 'string') {
      if (!Object.prototype.hasOwnProperty.call(ctors, name)) throw new Error(`unknown typed array "${name.slice(0, 40)}"`)
      const Ctor = ctors[name as TypedName]
      const bytes = fromBase64(rec.b64)
      if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0)
        throw new Error(`${name} data of ${bytes.byteLength} bytes is not a whole number of elements`)
      return new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / Ctor.BYTES_PER_ELEMENT)
    }
    // fromEntries defines own properties: a "__proto__" key stays a key (and fails validation).
    return Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, decodeFromJson(v)]))
  }
  return value
}
