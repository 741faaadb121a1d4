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

/**
 * HF's default termination radius ⌊n/10⌋ (of the shorter side; at least 1): 2 at 28×28, 3 at
 * 32×32, 22 at 224×224. HF's adversarial is a low pass x_l that should still show a person the
 * true class; on MNIST and Fashion-MNIST the object stays legible down to r ≈ 2.2 and becomes a
 * blob at r ≈ 1.4, while the former ⌊n/4⌋ stopped before this model's predictions ever change
 * (docs/algorithms.md §HF attack).
 */
export function defaultRMin(h: number, w: number): number {
  return Math.max(1, Math.floor(Math.min(h, w) / 10))
}
