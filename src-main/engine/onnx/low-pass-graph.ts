import type { MaskOptions } from '../spectral'
import { realFourierBasis } from '../spectral/real-basis'
import { filterPlan } from '../spectral/separable-filter'
import type { OnnxGraphBuilder } from './graph-builder'

export interface LowPassSpec extends MaskOptions {
  /** D1 radius in frequency bins of the image grid (docs/algorithms.md §Frequency split). */
  radius: number
}

/** The first k columns of the n-point real Fourier basis, [n, k] row-major, and their transpose. */
function basisColumns(n: number, k: number): { analysis: Float32Array; synthesis: Float32Array } {
  const { matrix } = realFourierBasis(n)
  const analysis = new Float32Array(n * k)
  const synthesis = new Float32Array(k * n)
  for (let t = 0; t < n; t++) {
    for (let c = 0; c < k; c++) {
      analysis[t * k + c] = matrix[t * n + c]
      synthesis[c * n + t] = matrix[t * n + c]
    }
  }
  return { analysis, synthesis }
}

/**
 * D1 (x_l = Re F^-1(M F x) per channel, the spectral module's filter) as ONNX nodes on an NCHW
 * tensor: constant matrix products in the real Fourier basis,
 * x_l = Bh (W ⊙ (Bhᵀ x Bw)) Bwᵀ with only the basis columns the mask keeps.
 */
export function lowPassNodes(b: OnnxGraphBuilder, x: string, spec: LowPassSpec): string {
  const [, , h, w] = b.shape(x)
  const plan = filterPlan(h, w, spec.radius, spec)
  if (plan.kh === 0 || plan.kw === 0) return b.node('Mul', [x, b.floatScalar(0)])[0]
  if (plan.separable && plan.kh === h && plan.kw === w) return x
  const rows = basisColumns(h, plan.kh)
  const cols = basisColumns(w, plan.kw)
  let t = b.node('MatMul', [x, b.floatConstant(cols.analysis, [w, plan.kw])])[0]
  t = b.node('MatMul', [b.floatConstant(rows.synthesis, [plan.kh, h]), t])[0]
  if (!plan.separable) {
    // plan.weights is [kw, kh]; the coefficients here are [kh, kw].
    const weights = new Float32Array(plan.kh * plan.kw)
    for (let i = 0; i < plan.kh; i++) for (let j = 0; j < plan.kw; j++) weights[i * plan.kw + j] = plan.weights[j * plan.kh + i]
    t = b.node('Mul', [t, b.floatConstant(weights, [plan.kh, plan.kw])])[0]
  }
  t = b.node('MatMul', [b.floatConstant(rows.analysis, [h, plan.kh]), t])[0]
  return b.node('MatMul', [t, b.floatConstant(cols.synthesis, [plan.kw, w])])[0]
}
