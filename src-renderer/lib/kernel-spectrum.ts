/** The grid a kernel's spectrum is shown on. */
export const SPECTRUM_N = 16

/**
 * |DFT| of a k x k kernel zero-padded to n x n (centred), for display only: at k x k the spectrum
 * has just k x k bins, too coarse to read, so the view states the padding it uses.
 */
export function paddedMagnitude(kernel: number[], k: number, n: number): Float64Array {
  const out = new Float64Array(n * n)
  for (let u = 0; u < n; u++) {
    for (let v = 0; v < n; v++) {
      let re = 0
      let im = 0
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          const angle = (-2 * Math.PI * (u * a + v * b)) / n
          re += kernel[a * k + b] * Math.cos(angle)
          im += kernel[a * k + b] * Math.sin(angle)
        }
      }
      const cu = (u + Math.floor(n / 2)) % n
      const cv = (v + Math.floor(n / 2)) % n
      out[cu * n + cv] = Math.hypot(re, im)
    }
  }
  return out
}
