/**
 * Orthonormal real Fourier basis of R^n: DC, then cos and sin of each frequency 1, 2, ..., and the
 * Nyquist cosine when n is even, in that order (non-decreasing |frequency|).
 *
 * Why it replaces complex DFT matrices: every mask of this project depends on |fy| and |fx| only,
 * so each product of two basis columns spans exactly the complex bins (+-fy, +-fx) that share one
 * mask weight. Filtering in this basis therefore equals Re F^-1(M F x) exactly, with 4 real matrix
 * products per plane instead of 12, and low-pass filters only need the leading columns.
 */
export interface RealFourierBasis {
  n: number
  /** Row-major n x n: entry [t * n + k] is column k at sample t. */
  matrix: Float64Array
  /** |frequency| of each column. */
  frequency: Int32Array
}

const cache = new Map<number, RealFourierBasis>()

export function realFourierBasis(n: number): RealFourierBasis {
  const cached = cache.get(n)
  if (cached) return cached
  const matrix = new Float64Array(n * n)
  const frequency = new Int32Array(n)
  const columns: Array<(t: number) => number> = [() => 1 / Math.sqrt(n)]
  frequency[0] = 0
  const pairScale = Math.sqrt(2 / n)
  for (let f = 1; 2 * f < n; f++) {
    // (f t) mod n keeps the angle in [0, 2 pi), so large n loses no precision.
    const angle = (t: number) => (2 * Math.PI * ((f * t) % n)) / n
    frequency[columns.length] = f
    columns.push((t) => pairScale * Math.cos(angle(t)))
    frequency[columns.length] = f
    columns.push((t) => pairScale * Math.sin(angle(t)))
  }
  if (n % 2 === 0 && n > 1) {
    frequency[columns.length] = n / 2
    columns.push((t) => (t % 2 === 0 ? 1 : -1) / Math.sqrt(n))
  }
  for (let t = 0; t < n; t++) for (let k = 0; k < n; k++) matrix[t * n + k] = columns[k](t)
  const basis = { n, matrix, frequency }
  cache.set(n, basis)
  return basis
}

/** How many leading columns have a frequency that passes `keep` (a prefix, as keep is monotone). */
export function leadingColumns(basis: RealFourierBasis, keep: (frequency: number) => boolean): number {
  let k = 0
  while (k < basis.n && keep(basis.frequency[k])) k++
  return k
}
