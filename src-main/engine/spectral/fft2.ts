import { fftPlan, transformInto } from './fft-plan'

export interface ComplexPlane {
  re: Float64Array
  im: Float64Array
}

function assertPlane(re: Float64Array, im: Float64Array, h: number, w: number): void {
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) {
    throw new RangeError(`fft2 needs positive integer sizes, got ${h}x${w}`)
  }
  if (re.length !== h * w || im.length !== h * w) {
    throw new RangeError(`fft2 expected ${h * w} values per part, got ${re.length} real and ${im.length} imaginary`)
  }
}

/**
 * 2-D DFT of one row-major h x w complex plane in float64, numpy's convention: the forward
 * transform is unscaled, the inverse divides by h*w. Any size, odd and prime included.
 */
export function fft2(re: Float64Array, im: Float64Array, h: number, w: number, inverse = false): ComplexPlane {
  assertPlane(re, im, h, w)
  // The inverse is conj(F(conj z)) / (h w): conjugate on the way in and on the way out.
  const sign = inverse ? -1 : 1
  const outRe = new Float64Array(h * w)
  const outIm = new Float64Array(h * w)
  const rowPlan = fftPlan(w)
  const bufRe = new Float64Array(Math.max(h, w))
  const bufIm = new Float64Array(Math.max(h, w))
  const resRe = new Float64Array(Math.max(h, w))
  const resIm = new Float64Array(Math.max(h, w))
  for (let i = 0; i < h; i++) {
    const base = i * w
    for (let j = 0; j < w; j++) {
      bufRe[j] = re[base + j]
      bufIm[j] = sign * im[base + j]
    }
    transformInto(rowPlan, bufRe, bufIm, resRe, resIm)
    outRe.set(resRe.subarray(0, w), base)
    outIm.set(resIm.subarray(0, w), base)
  }
  const colPlan = fftPlan(h)
  const scale = inverse ? 1 / (h * w) : 1
  for (let j = 0; j < w; j++) {
    for (let i = 0; i < h; i++) {
      bufRe[i] = outRe[i * w + j]
      bufIm[i] = outIm[i * w + j]
    }
    transformInto(colPlan, bufRe, bufIm, resRe, resIm)
    for (let i = 0; i < h; i++) {
      outRe[i * w + j] = resRe[i] * scale
      outIm[i * w + j] = sign * resIm[i] * scale
    }
  }
  return { re: outRe, im: outIm }
}
