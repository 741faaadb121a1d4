/** Joins typed arrays of one kind end to end (per-batch or per-shard results into one). */
export function concatTyped<T extends Float32Array | Int32Array | Uint8Array>(parts: T[]): T {
  const total = parts.reduce((s, p) => s + p.length, 0)
  const out = new (parts[0].constructor as new (n: number) => T)(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
