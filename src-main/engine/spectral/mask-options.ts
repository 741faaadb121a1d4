import { LabError } from '../base/errors'

/** circle: Euclidean distance (the paper); square: Chebyshev distance; gaussian: exp(-d^2 / (2 r^2)). */
export type MaskKind = 'circle' | 'square' | 'gaussian'

/** strict: d < r is low (the authors' code); inclusive: d <= r is low (the paper's text). */
export type BoundaryRule = 'strict' | 'inclusive'

export interface MaskOptions {
  kind?: MaskKind
  rule?: BoundaryRule
}

export interface ResolvedMask {
  kind: MaskKind
  rule: BoundaryRule
  r: number
}

const KINDS: readonly MaskKind[] = ['circle', 'square', 'gaussian']
const RULES: readonly BoundaryRule[] = ['strict', 'inclusive']

export function resolveMask(r: number, options: MaskOptions = {}): ResolvedMask {
  const kind = options.kind ?? 'circle'
  const rule = options.rule ?? 'strict'
  if (!KINDS.includes(kind)) throw new LabError('SPECTRAL_MASK_KIND', `Unknown mask kind "${kind}": use ${KINDS.join(', ')}.`)
  if (!RULES.includes(rule)) throw new LabError('SPECTRAL_BOUNDARY_RULE', `Unknown boundary rule "${rule}": use strict or inclusive.`)
  if (!Number.isFinite(r) || r < 0) {
    throw new LabError('SPECTRAL_RADIUS', `The radius must be a number >= 0 (frequency bins), got ${r}.`)
  }
  return { kind, rule, r }
}

/**
 * Mask value of a bin at signed frequency offsets (fy, fx) from the centroid. Distances are
 * Math.sqrt of an integer, so a radius computed the same way (HF's sqrt(p^2 + q^2)) compares exactly.
 */
export function maskWeight(fy: number, fx: number, mask: ResolvedMask): number {
  const { kind, rule, r } = mask
  if (kind === 'gaussian') {
    const d2 = fy * fy + fx * fx
    if (r === 0) return d2 === 0 ? 1 : 0
    return Math.exp(-d2 / (2 * r * r))
  }
  const d = kind === 'circle' ? Math.sqrt(fy * fy + fx * fx) : Math.max(Math.abs(fy), Math.abs(fx))
  return (rule === 'strict' ? d < r : d <= r) ? 1 : 0
}
