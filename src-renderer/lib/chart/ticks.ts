import type { ScaleKind } from './scale'

/** A step of 1, 2 or 5 times a power of ten, near span / target: the steps people read without effort. */
export function niceStep(span: number, target = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1
  const raw = span / Math.max(1, target)
  const power = 10 ** Math.floor(Math.log10(raw))
  const m = raw / power
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * power
}

/** The smallest multiple of the nice step at or above v: an axis end that is a round number. */
export function niceCeil(v: number, target = 5): number {
  if (!(v > 0)) return v
  const step = niceStep(v, target)
  return roundTo(Math.ceil(v / step - 1e-9) * step, step)
}

/** Removes float noise (0.30000000000000004) at the precision of the step. */
function roundTo(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1)
  return Number(v.toFixed(Math.min(digits, 15)))
}

/**
 * Tick values inside [lo, hi]: multiples of a 1-2-5 step on a linear axis; on a log axis the
 * powers of ten, with 2 and 5 between them when fewer than three decades are shown.
 */
export function ticks(kind: ScaleKind, lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo]
  if (kind === 'linear') {
    const step = niceStep(hi - lo, target)
    const out: number[] = []
    for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(roundTo(k * step, step))
    return out
  }
  const first = Math.floor(Math.log10(lo))
  const last = Math.ceil(Math.log10(hi))
  const mantissas = last - first <= 3 ? [1, 2, 5] : [1]
  const out: number[] = []
  for (let e = first; e <= last; e++) {
    for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(12))
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v)
    }
  }
  // A range zoomed inside one decade (0.26 to 0.5) holds at most one such value: label it linearly.
  return out.length >= 2 ? out : ticks('linear', lo, hi, target)
}

/** A tick label as short as the step allows: 0.05, 0.1, 1e-3. */
export function tickLabel(v: number): string {
  if (v === 0) return '0'
  const a = Math.abs(v)
  if (a < 1e-3 || a >= 1e5) return v.toExponential(0).replace('e+', 'e')
  return String(Number(v.toPrecision(6)))
}
