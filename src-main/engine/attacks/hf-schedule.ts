/** One step of the HF staircase: pseudo-indices (p, q) and the radius √(p² + q²). */
export interface HfStep {
  p: number
  q: number
  r: number
}

/**
 * The radii HF tests, in order (docs/algorithms.md §HF): from p = ⌊h/2⌋, q = ⌊w/2⌋ (the whole spectrum), each
 * step decrements the larger of p and q by s (ties decrement p), down to the last radius ≥ r_min.
 * The radius is Math.sqrt of an integer, exactly as the spectral mask measures its distances.
 */
export function hfSchedule(h: number, w: number, step: number, rMin: number): HfStep[] {
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`HF step must be an integer >= 1, got ${step}`)
  let p = Math.floor(h / 2)
  let q = Math.floor(w / 2)
  const out: HfStep[] = []
  for (;;) {
    if (p >= q) p -= step
    else q -= step
    if (p < 0 || q < 0) return out
    const r = Math.sqrt(p * p + q * q)
    if (r < rMin) return out
    out.push({ p, q, r })
  }
}

/** HF's default termination radius ⌊n/4⌋ (for non-square inputs, of the shorter side). */
export function defaultRMin(h: number, w: number): number {
  return Math.floor(Math.min(h, w) / 4)
}
