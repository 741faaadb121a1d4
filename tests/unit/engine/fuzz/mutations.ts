import type { Rng } from '../../../../src-main/engine/base/random'

/** Values a lying header field gets: all ones, sign bit, 10^9, just under 2^32. */
const HUGE_U32 = [0xffffffff, 0x7fffffff, 1_000_000_000, 0x80000000, 0xfffffff0]
/** What a number in a text header (npy dict, JSON) becomes. */
const HUGE_TEXT = ['1000000000', '4294967295', '99999999999999999999', '-1', '0', '1e300']

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]
/** An offset, half of the time inside the first `head` bytes, where headers and size fields live. */
const offset = (rng: Rng, length: number, head: number) => Math.floor(rng() * (rng() < 0.5 ? Math.min(length, head) : length))

/**
 * One seeded mutation of a file: a truncation, bit flips, a 32-bit size field overwritten with a
 * huge value (near the start, where headers are, or near the end, where a zip keeps its
 * directory), or a number in a text header replaced (which also changes the header's length).
 */
export type MutationKind = 'truncate' | 'bitflip' | 'huge' | 'number'

export function mutate(bytes: Uint8Array, rng: Rng, allowed?: readonly MutationKind[]): { bytes: Uint8Array; what: string } {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 1 << 16))
  const numbers = [...text.matchAll(/\d+/g)]
  const kinds = (['truncate', 'bitflip', 'huge', 'number'] as const).filter(
    (k) => (allowed ?? [k]).includes(k) && (k !== 'number' || numbers.length > 0),
  )
  const kind = pick(rng, kinds)
  if (kind === 'truncate' || bytes.length < 8) {
    const at = offset(rng, bytes.length, 64)
    return { bytes: bytes.slice(0, at), what: `truncated to ${at} bytes` }
  }
  const out = bytes.slice()
  if (kind === 'bitflip') {
    const flips = 1 + Math.floor(rng() * 8)
    const where: number[] = []
    for (let k = 0; k < flips; k++) {
      const at = offset(rng, out.length, 256)
      out[at] ^= 1 << Math.floor(rng() * 8)
      where.push(at)
    }
    return { bytes: out, what: `bits flipped at ${where.join(', ')}` }
  }
  if (kind === 'huge') {
    const value = pick(rng, HUGE_U32)
    const nearEnd = rng() < 0.4
    const span = Math.min(out.length - 4, 128)
    const at = nearEnd ? out.length - 4 - Math.floor(rng() * span) : Math.floor(rng() * span)
    const little = rng() < 0.5
    new DataView(out.buffer).setUint32(at, value, little)
    return { bytes: out, what: `u32 ${value} (${little ? 'LE' : 'BE'}) written at ${at}` }
  }
  const match = pick(rng, numbers)
  const value = pick(rng, HUGE_TEXT)
  const at = match.index!
  const replaced = new Uint8Array(
    Buffer.concat([bytes.subarray(0, at), Buffer.from(value, 'latin1'), bytes.subarray(at + match[0].length)]),
  )
  return { bytes: replaced, what: `number ${match[0]} at ${at} replaced by ${value}` }
}
