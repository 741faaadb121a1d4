/** Singular value decomposition A = U diag(sigma) V^T of a small row-major matrix, in float64. */
export interface PlaneSvd {
  rows: number
  cols: number
  /** Singular values, descending; length min(rows, cols). */
  sigma: Float64Array
  /** Column j of `scaledU` is sigma_j u_j: rows x p, row-major. */
  scaledU: Float64Array
  /** Column j is v_j: cols x p, row-major. */
  v: Float64Array
}

const MAX_SWEEPS = 60

/**
 * One-sided Jacobi (Hestenes): rotate column pairs of A until all are orthogonal; the columns are
 * then sigma_j u_j and the accumulated rotations are V. Accurate to machine precision, and simple
 * enough for 28 x 28 and 32 x 32 planes.
 */
export function jacobiSvd(matrix: ArrayLike<number>, rows: number, cols: number): PlaneSvd {
  if (rows < cols) {
    const transposed = new Float64Array(rows * cols)
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) transposed[j * rows + i] = matrix[i * cols + j]
    const t = jacobiSvd(transposed, cols, rows)
    return { rows, cols, sigma: t.sigma, scaledU: scaleColumns(t.v, rows, t.sigma), v: unscaleColumns(t.scaledU, cols, t.sigma) }
  }
  // Column-major working copies, so the rotations run over contiguous memory.
  const a = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[j * rows + i] = matrix[i * cols + j]
  const v = new Float64Array(cols * cols)
  for (let j = 0; j < cols; j++) v[j * cols + j] = 1
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false
    for (let p = 0; p < cols - 1; p++) {
      for (let q = p + 1; q < cols; q++) {
        let alpha = 0
        let beta = 0
        let gamma = 0
        for (let i = 0; i < rows; i++) {
          const x = a[p * rows + i]
          const y = a[q * rows + i]
          alpha += x * x
          beta += y * y
          gamma += x * y
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-14 * Math.sqrt(alpha * beta)) continue
        rotated = true
        const zeta = (beta - alpha) / (2 * gamma)
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta))
        const cos = 1 / Math.sqrt(1 + t * t)
        const sin = cos * t
        rotate(a, p * rows, q * rows, rows, cos, sin)
        rotate(v, p * cols, q * cols, cols, cos, sin)
      }
    }
    if (!rotated) break
  }
  const norms = Array.from({ length: cols }, (_, j) => {
    let s = 0
    for (let i = 0; i < rows; i++) s += a[j * rows + i] ** 2
    return Math.sqrt(s)
  })
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x])
  const sigma = Float64Array.from(order, (j) => norms[j])
  const scaledU = new Float64Array(rows * cols)
  const vOut = new Float64Array(cols * cols)
  order.forEach((j, k) => {
    for (let i = 0; i < rows; i++) scaledU[i * cols + k] = a[j * rows + i]
    for (let i = 0; i < cols; i++) vOut[i * cols + k] = v[j * cols + i]
  })
  return { rows, cols, sigma, scaledU, v: vOut }
}

function rotate(m: Float64Array, p: number, q: number, length: number, cos: number, sin: number): void {
  for (let i = 0; i < length; i++) {
    const x = m[p + i]
    const y = m[q + i]
    m[p + i] = cos * x - sin * y
    m[q + i] = sin * x + cos * y
  }
}

/** Row-major rows x p matrix with column j multiplied by sigma_j. */
function scaleColumns(m: Float64Array, rows: number, sigma: Float64Array): Float64Array {
  const p = sigma.length
  const out = new Float64Array(rows * p)
  for (let i = 0; i < rows; i++) for (let j = 0; j < p; j++) out[i * p + j] = m[i * p + j] * sigma[j]
  return out
}

/** Inverse of scaleColumns; columns with sigma_j = 0 are zero there and stay zero (they carry no energy). */
function unscaleColumns(m: Float64Array, rows: number, sigma: Float64Array): Float64Array {
  const p = sigma.length
  const out = new Float64Array(rows * p)
  for (let i = 0; i < rows; i++) for (let j = 0; j < p; j++) out[i * p + j] = sigma[j] > 0 ? m[i * p + j] / sigma[j] : 0
  return out
}
