import { describe, expect, it } from 'vitest'
import { fft2, fftshift, ifftshift } from '../../../../src-main/engine/spectral'
import { mnistImages, plane, sampleImage } from './real-images'
import { itWithData } from '../../needs-data'

/** O(n^4) textbook DFT, the independent check of the fast transform. */
function naiveDft(re: Float64Array, h: number, w: number): { re: Float64Array; im: Float64Array } {
  const outRe = new Float64Array(h * w)
  const outIm = new Float64Array(h * w)
  for (let u = 0; u < h; u++) {
    for (let v = 0; v < w; v++) {
      let a = 0
      let b = 0
      for (let t = 0; t < h; t++) {
        for (let s = 0; s < w; s++) {
          const angle = -2 * Math.PI * (((u * t) % h) / h + ((v * s) % w) / w)
          a += re[t * w + s] * Math.cos(angle)
          b += re[t * w + s] * Math.sin(angle)
        }
      }
      outRe[u * w + v] = a
      outIm[u * w + v] = b
    }
  }
  return { re: outRe, im: outIm }
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

function expectMatchesNaive(x: Float64Array, h: number, w: number): void {
  const fast = fft2(x, new Float64Array(h * w), h, w)
  const slow = naiveDft(x, h, w)
  expect(maxDiff(fast.re, slow.re)).toBeLessThan(1e-4)
  expect(maxDiff(fast.im, slow.im)).toBeLessThan(1e-4)
}

describe('fft2 (float64 reference)', () => {
  const digit = plane(mnistImages(1), 0, 28, 28, 1, 0)

  it('agrees with a naive DFT on a 7x7 crop of an MNIST digit', () => {
    const crop = new Float64Array(49)
    for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) crop[i * 7 + j] = digit[(10 + i) * 28 + 10 + j]
    expectMatchesNaive(crop, 7, 7)
  })

  it('agrees with a naive DFT on a 28x28 MNIST digit', () => {
    expectMatchesNaive(digit, 28, 28)
  })

  itWithData('agrees with a naive DFT on every channel of a 32x32x3 CIFAR-10 image', async () => {
    const { pixels, h, w, c } = await sampleImage('cifar10_00_3.png')
    expect([h, w, c]).toEqual([32, 32, 3])
    for (let ch = 0; ch < 3; ch++) expectMatchesNaive(plane(pixels, 0, h, w, c, ch), h, w)
  })

  itWithData('agrees with a naive DFT on prime and mixed sizes (Bluestein for 227, generic radix for 7, 13)', async () => {
    const { pixels } = await sampleImage('imagenet_00_243.jpg', 227)
    const strip = new Float64Array(227 * 2)
    for (let k = 0; k < strip.length; k++) strip[k] = pixels[k * 3]
    expectMatchesNaive(strip, 2, 227)
    const odd = new Float64Array(13 * 14)
    for (let k = 0; k < odd.length; k++) odd[k] = digit[k + 300]
    expectMatchesNaive(odd, 13, 14)
  })

  itWithData('inverts itself: ifft2(fft2(x)) == x with a zero imaginary part', async () => {
    const { pixels } = await sampleImage('imagenet_01_559.jpg', 227)
    const x = plane(pixels, 0, 227, 227, 3, 1)
    const z = fft2(x, new Float64Array(x.length), 227, 227)
    const back = fft2(z.re, z.im, 227, 227, true)
    expect(maxDiff(back.re, x)).toBeLessThan(1e-12)
    expect(maxDiff(back.im, new Float64Array(x.length))).toBeLessThan(1e-12)
  })

  it('satisfies Parseval: sum |x|^2 = sum |F x|^2 / (h w)', () => {
    const z = fft2(digit, new Float64Array(784), 28, 28)
    const space = digit.reduce((s, v) => s + v * v, 0)
    const freq = z.re.reduce((s, v, i) => s + v * v + z.im[i] * z.im[i], 0) / 784
    expect(Math.abs(space - freq) / space).toBeLessThan(1e-12)
  })

  it('rejects planes whose length does not match h x w', () => {
    expect(() => fft2(new Float64Array(10), new Float64Array(10), 3, 3)).toThrow(RangeError)
  })
})

describe('fftshift / ifftshift', () => {
  it('put DC at (floor(h/2), floor(w/2)) for odd and even sizes, like numpy', () => {
    for (const [h, w] of [
      [4, 4],
      [5, 5],
      [4, 7],
      [7, 4],
    ]) {
      const p = new Float64Array(h * w)
      p[0] = 1
      const s = fftshift(p, h, w)
      expect(s.indexOf(1)).toBe(Math.floor(h / 2) * w + Math.floor(w / 2))
    }
    // numpy: fftshift([0 1 2 3 4]) = [3 4 0 1 2], ifftshift([0 1 2 3 4]) = [2 3 4 0 1]
    expect(Array.from(fftshift(Float64Array.of(0, 1, 2, 3, 4), 1, 5))).toEqual([3, 4, 0, 1, 2])
    expect(Array.from(ifftshift(Float64Array.of(0, 1, 2, 3, 4), 1, 5))).toEqual([2, 3, 4, 0, 1])
  })

  it('are inverse of each other for odd and even sizes', () => {
    const digit = plane(mnistImages(2), 1, 28, 28, 1, 0)
    for (const [h, w] of [
      [28, 28],
      [27, 27],
      [28, 27],
      [1, 5],
      [5, 1],
    ]) {
      const p = digit.slice(0, h * w)
      expect(Array.from(ifftshift(fftshift(p, h, w), h, w))).toEqual(Array.from(p))
      expect(Array.from(fftshift(ifftshift(p, h, w), h, w))).toEqual(Array.from(p))
    }
  })
})
