/**
 * Exact float64 1-D complex DFT of any length: a recursive mixed-radix decimation in time
 * (radix 4, 2, 3 and a generic small-prime butterfly, after kissfft) and Bluestein's chirp-z
 * convolution when the length has a prime factor too large for the generic butterfly (227).
 */

/** Above this prime factor the O(p) generic butterfly loses to Bluestein's three power-of-two FFTs. */
const LARGEST_DIRECT_PRIME = 13

interface Bluestein {
  /** Power-of-two convolution length, at least 2n - 1. */
  m: number
  inner: FftPlan
  /** exp(-i pi k^2 / n), k < n. */
  chirpRe: Float64Array
  chirpIm: Float64Array
  /** FFT of the conjugate chirp laid out circularly on m points. */
  kernelRe: Float64Array
  kernelIm: Float64Array
  workRe: Float64Array
  workIm: Float64Array
  spareRe: Float64Array
  spareIm: Float64Array
}

export interface FftPlan {
  n: number
  /** Radix of each recursion level, outermost first; their product is n. */
  radices: number[]
  /** exp(-2 pi i k / n), k < n. */
  twRe: Float64Array
  twIm: Float64Array
  bluestein: Bluestein | null
  scratchRe: Float64Array
  scratchIm: Float64Array
}

function factorize(n: number): number[] {
  const radices: number[] = []
  let rest = n
  while (rest % 4 === 0) {
    radices.push(4)
    rest /= 4
  }
  while (rest % 2 === 0) {
    radices.push(2)
    rest /= 2
  }
  for (let p = 3; p * p <= rest; p += 2) {
    while (rest % p === 0) {
      radices.push(p)
      rest /= p
    }
  }
  if (rest > 1) radices.push(rest)
  return radices
}

function makeBluestein(n: number): Bluestein {
  let m = 1
  while (m < 2 * n - 1) m *= 2
  const chirpRe = new Float64Array(n)
  const chirpIm = new Float64Array(n)
  for (let k = 0; k < n; k++) {
    // k^2 mod 2n keeps the angle small, so cos/sin stay exact to the last bits for large k.
    const angle = (Math.PI * ((k * k) % (2 * n))) / n
    chirpRe[k] = Math.cos(angle)
    chirpIm[k] = -Math.sin(angle)
  }
  const kernelRe = new Float64Array(m)
  const kernelIm = new Float64Array(m)
  kernelRe[0] = chirpRe[0]
  kernelIm[0] = -chirpIm[0]
  for (let k = 1; k < n; k++) {
    kernelRe[k] = kernelRe[m - k] = chirpRe[k]
    kernelIm[k] = kernelIm[m - k] = -chirpIm[k]
  }
  const inner = fftPlan(m)
  const spareRe = new Float64Array(m)
  const spareIm = new Float64Array(m)
  transformInto(inner, kernelRe, kernelIm, spareRe, spareIm)
  return {
    m,
    inner,
    chirpRe,
    chirpIm,
    kernelRe: spareRe.slice(),
    kernelIm: spareIm.slice(),
    workRe: new Float64Array(m),
    workIm: new Float64Array(m),
    spareRe,
    spareIm,
  }
}

const plans = new Map<number, FftPlan>()

/** The cached plan for length n (n >= 1). */
export function fftPlan(n: number): FftPlan {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`FFT length must be a positive integer, got ${n}`)
  const cached = plans.get(n)
  if (cached) return cached
  const radices = factorize(n)
  const twRe = new Float64Array(n)
  const twIm = new Float64Array(n)
  for (let k = 0; k < n; k++) {
    const angle = (-2 * Math.PI * k) / n
    twRe[k] = Math.cos(angle)
    twIm[k] = Math.sin(angle)
  }
  const largest = radices.length ? Math.max(...radices) : 1
  const plan: FftPlan = {
    n,
    radices,
    twRe,
    twIm,
    bluestein: null,
    scratchRe: new Float64Array(largest),
    scratchIm: new Float64Array(largest),
  }
  if (largest > LARGEST_DIRECT_PRIME) plan.bluestein = makeBluestein(n)
  plans.set(n, plan)
  return plan
}

function butterfly2(plan: FftPlan, re: Float64Array, im: Float64Array, off: number, fstride: number, m: number): void {
  const { twRe, twIm } = plan
  for (let k = 0; k < m; k++) {
    const a = off + k
    const b = a + m
    const wr = twRe[k * fstride]
    const wi = twIm[k * fstride]
    const tr = re[b] * wr - im[b] * wi
    const ti = re[b] * wi + im[b] * wr
    re[b] = re[a] - tr
    im[b] = im[a] - ti
    re[a] += tr
    im[a] += ti
  }
}

function butterfly3(plan: FftPlan, re: Float64Array, im: Float64Array, off: number, fstride: number, m: number): void {
  const { twRe, twIm } = plan
  const epiIm = twIm[fstride * m]
  for (let k = 0; k < m; k++) {
    const i0 = off + k
    const i1 = i0 + m
    const i2 = i1 + m
    const w1r = twRe[k * fstride]
    const w1i = twIm[k * fstride]
    const w2r = twRe[2 * k * fstride]
    const w2i = twIm[2 * k * fstride]
    const s1r = re[i1] * w1r - im[i1] * w1i
    const s1i = re[i1] * w1i + im[i1] * w1r
    const s2r = re[i2] * w2r - im[i2] * w2i
    const s2i = re[i2] * w2i + im[i2] * w2r
    const s3r = s1r + s2r
    const s3i = s1i + s2i
    const s0r = (s1r - s2r) * epiIm
    const s0i = (s1i - s2i) * epiIm
    const mr = re[i0] - s3r / 2
    const mi = im[i0] - s3i / 2
    re[i0] += s3r
    im[i0] += s3i
    re[i2] = mr + s0i
    im[i2] = mi - s0r
    re[i1] = mr - s0i
    im[i1] = mi + s0r
  }
}

function butterfly4(plan: FftPlan, re: Float64Array, im: Float64Array, off: number, fstride: number, m: number): void {
  const { twRe, twIm } = plan
  for (let k = 0; k < m; k++) {
    const i0 = off + k
    const i1 = i0 + m
    const i2 = i1 + m
    const i3 = i2 + m
    const w1r = twRe[k * fstride]
    const w1i = twIm[k * fstride]
    const w2r = twRe[2 * k * fstride]
    const w2i = twIm[2 * k * fstride]
    const w3r = twRe[3 * k * fstride]
    const w3i = twIm[3 * k * fstride]
    const s0r = re[i1] * w1r - im[i1] * w1i
    const s0i = re[i1] * w1i + im[i1] * w1r
    const s1r = re[i2] * w2r - im[i2] * w2i
    const s1i = re[i2] * w2i + im[i2] * w2r
    const s2r = re[i3] * w3r - im[i3] * w3i
    const s2i = re[i3] * w3i + im[i3] * w3r
    const s5r = re[i0] - s1r
    const s5i = im[i0] - s1i
    const ar = re[i0] + s1r
    const ai = im[i0] + s1i
    const s3r = s0r + s2r
    const s3i = s0i + s2i
    const s4r = s0r - s2r
    const s4i = s0i - s2i
    re[i2] = ar - s3r
    im[i2] = ai - s3i
    re[i0] = ar + s3r
    im[i0] = ai + s3i
    re[i1] = s5r + s4i
    im[i1] = s5i - s4r
    re[i3] = s5r - s4i
    im[i3] = s5i + s4r
  }
}

function butterflyGeneric(plan: FftPlan, re: Float64Array, im: Float64Array, off: number, fstride: number, p: number, m: number): void {
  const { twRe, twIm, scratchRe, scratchIm, n } = plan
  for (let u = 0; u < m; u++) {
    for (let q = 0; q < p; q++) {
      scratchRe[q] = re[off + u + q * m]
      scratchIm[q] = im[off + u + q * m]
    }
    for (let q1 = 0; q1 < p; q1++) {
      const k = u + q1 * m
      let accRe = scratchRe[0]
      let accIm = scratchIm[0]
      let tw = 0
      for (let q = 1; q < p; q++) {
        tw += fstride * k
        tw %= n
        accRe += scratchRe[q] * twRe[tw] - scratchIm[q] * twIm[tw]
        accIm += scratchRe[q] * twIm[tw] + scratchIm[q] * twRe[tw]
      }
      re[off + k] = accRe
      im[off + k] = accIm
    }
  }
}

function work(
  plan: FftPlan,
  outRe: Float64Array,
  outIm: Float64Array,
  outOff: number,
  inRe: Float64Array,
  inIm: Float64Array,
  inOff: number,
  fstride: number,
  level: number,
  span: number,
): void {
  const p = plan.radices[level]
  const m = span / p
  if (m === 1) {
    for (let j = 0; j < p; j++) {
      outRe[outOff + j] = inRe[inOff + j * fstride]
      outIm[outOff + j] = inIm[inOff + j * fstride]
    }
  } else {
    for (let j = 0; j < p; j++) {
      work(plan, outRe, outIm, outOff + j * m, inRe, inIm, inOff + j * fstride, fstride * p, level + 1, m)
    }
  }
  if (p === 2) butterfly2(plan, outRe, outIm, outOff, fstride, m)
  else if (p === 3) butterfly3(plan, outRe, outIm, outOff, fstride, m)
  else if (p === 4) butterfly4(plan, outRe, outIm, outOff, fstride, m)
  else butterflyGeneric(plan, outRe, outIm, outOff, fstride, p, m)
}

function bluesteinInto(b: Bluestein, n: number, inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
  const { m, chirpRe, chirpIm, workRe, workIm, spareRe, spareIm, kernelRe, kernelIm } = b
  workRe.fill(0)
  workIm.fill(0)
  for (let k = 0; k < n; k++) {
    workRe[k] = inRe[k] * chirpRe[k] - inIm[k] * chirpIm[k]
    workIm[k] = inRe[k] * chirpIm[k] + inIm[k] * chirpRe[k]
  }
  transformInto(b.inner, workRe, workIm, spareRe, spareIm)
  // Multiply by the kernel spectrum and conjugate, so the next forward FFT acts as an inverse.
  for (let k = 0; k < m; k++) {
    const r = spareRe[k] * kernelRe[k] - spareIm[k] * kernelIm[k]
    const i = spareRe[k] * kernelIm[k] + spareIm[k] * kernelRe[k]
    spareRe[k] = r
    spareIm[k] = -i
  }
  transformInto(b.inner, spareRe, spareIm, workRe, workIm)
  for (let k = 0; k < n; k++) {
    const cr = workRe[k] / m
    const ci = -workIm[k] / m
    outRe[k] = cr * chirpRe[k] - ci * chirpIm[k]
    outIm[k] = cr * chirpIm[k] + ci * chirpRe[k]
  }
}

/**
 * Forward DFT X[k] = sum_t x[t] exp(-2 pi i k t / n) of the first n entries of (inRe, inIm),
 * written to (outRe, outIm). Input and output must not alias.
 */
export function transformInto(plan: FftPlan, inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
  if (plan.n === 1) {
    outRe[0] = inRe[0]
    outIm[0] = inIm[0]
  } else if (plan.bluestein) {
    bluesteinInto(plan.bluestein, plan.n, inRe, inIm, outRe, outIm)
  } else {
    work(plan, outRe, outIm, 0, inRe, inIm, 0, 1, 0, plan.n)
  }
}
