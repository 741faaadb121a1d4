/**
 * Numbers as the tables show them. A statistic over no samples (the median distance of an attack
 * that fooled nobody) is NaN in the engine and arrives as null over JSON, so every formatter takes
 * a missing value and shows a dash instead of throwing.
 */
export type MaybeNumber = number | null | undefined

const DASH = '–'

export function fixed(value: MaybeNumber, digits: number): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : DASH
}

export function percent(value: MaybeNumber, digits = 1): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : DASH
}
