/**
 * Axis scales of the renderer's charts: data values to pixels and back, linear or logarithmic.
 * A log axis cannot show 0 (every robustness curve starts there), so it starts at the smallest
 * positive value the caller gives as its lower bound.
 */
export type ScaleKind = 'linear' | 'log'

export interface Scale {
  kind: ScaleKind
  /** Data range shown, lo < hi (lo > 0 on a log axis). */
  lo: number
  hi: number
  /** Pixel range it maps to; p0 > p1 for a y axis drawn upwards. */
  p0: number
  p1: number
}

const forward = (kind: ScaleKind, v: number) => (kind === 'log' ? Math.log10(v) : v)

export function makeScale(kind: ScaleKind, lo: number, hi: number, p0: number, p1: number): Scale {
  if (kind === 'log' && !(lo > 0)) throw new RangeError(`a log axis needs a positive lower bound, got ${lo}`)
  if (!(hi > lo)) hi = kind === 'log' ? lo * 10 : lo + 1
  return { kind, lo, hi, p0, p1 }
}

/** Pixel position of a value; values below a log axis's range map to its left edge. */
export function toPixel(s: Scale, v: number): number {
  const a = forward(s.kind, s.lo)
  const b = forward(s.kind, s.hi)
  const t = (forward(s.kind, s.kind === 'log' ? Math.max(v, s.lo) : v) - a) / (b - a)
  return s.p0 + t * (s.p1 - s.p0)
}

export function fromPixel(s: Scale, p: number): number {
  const a = forward(s.kind, s.lo)
  const b = forward(s.kind, s.hi)
  const u = a + ((p - s.p0) / (s.p1 - s.p0)) * (b - a)
  return s.kind === 'log' ? 10 ** u : u
}
