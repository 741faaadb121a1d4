import * as tf from '@tensorflow/tfjs-core'
import type { ImageShape } from '../data/dataset'
import { downscaleArea, fitInside } from '../export/image-resize'
import { toBytes } from '../export/png'
import { logMagnitudeSpectrum } from '../spectral'
import type { AttackPixels, DisplayImage, RowPixels } from './types'

/** Images up to this many pixels a side are sent whole as float32; larger ones as uint8 thumbnails. */
export const DISPLAY_MAX_SIDE = 64

/** Amplifications offered for perturbations: round numbers, so the stated factor reads easily. */
const FACTORS = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]

/** The largest round factor that keeps 0.5 + factor · δ inside [0, 1] for ‖δ‖∞ = linf. */
export function amplification(linf: number): number {
  if (!(linf > 0)) return 1
  let best = FACTORS[0]
  for (const f of FACTORS) if (f * linf <= 0.5) best = f
  return best
}

function display(values: Float32Array, shape: ImageShape): DisplayImage {
  const [h, w, c] = shape
  if (Math.max(h, w) <= DISPLAY_MAX_SIDE) return { shape: [h, w, c], encoding: 'float32', data: values }
  const [th, tw] = fitInside(h, w, DISPLAY_MAX_SIDE)
  return { shape: [th, tw, c], encoding: 'uint8', data: toBytes(downscaleArea({ data: values, height: h, width: w, channels: c }, th, tw)) }
}

/** Per image: centred log-magnitude spectrum of the perturbation, channel mean, scaled to [0, 1]. */
function spectra(perturbations: Float32Array, count: number, shape: ImageShape): Float32Array[] {
  const [h, w, c] = shape
  const input = tf.tensor4d(perturbations, [count, h, w, c])
  const logs = logMagnitudeSpectrum(input)
  const values = logs.dataSync() as Float32Array
  tf.dispose([input, logs])
  const out: Float32Array[] = []
  for (let i = 0; i < count; i++) {
    const plane = new Float32Array(h * w)
    for (let p = 0; p < h * w; p++) {
      let sum = 0
      for (let k = 0; k < c; k++) sum += values[(i * h * w + p) * c + k]
      plane[p] = sum / c
    }
    let peak = 0
    for (const v of plane) peak = Math.max(peak, v)
    if (peak > 0) for (let p = 0; p < plane.length; p++) plane[p] /= peak
    out.push(plane)
  }
  return out
}

/**
 * What the gallery grid shows for every sample of a batch: the original, and per attack the
 * adversarial, the amplified perturbation and its log spectrum.
 */
export function displayPixels(
  clean: Float32Array,
  adversarial: Record<string, Float32Array>,
  linf: Record<string, Float32Array>,
  count: number,
  shape: ImageShape,
): RowPixels[] {
  const [h, w] = shape
  const size = shape[0] * shape[1] * shape[2]
  const perAttack = Object.entries(adversarial).map(([key, adv]) => {
    const delta = new Float32Array(adv.length)
    for (let k = 0; k < adv.length; k++) delta[k] = adv[k] - clean[k]
    return { key, adv, delta, spectra: spectra(delta, count, shape) }
  })
  const rows: RowPixels[] = []
  for (let i = 0; i < count; i++) {
    const slice = (a: Float32Array) => a.slice(i * size, (i + 1) * size)
    const attacks: Record<string, AttackPixels> = {}
    for (const { key, adv, delta, spectra: planes } of perAttack) {
      const factor = amplification(linf[key][i])
      const amplified = slice(delta).map((d) => Math.min(1, Math.max(0, 0.5 + factor * d)))
      attacks[key] = {
        adversarial: display(slice(adv), shape),
        perturbation: display(amplified, shape),
        factor,
        spectrum: display(planes[i], [h, w, 1]),
      }
    }
    rows.push({ original: display(slice(clean), shape), attacks })
  }
  return rows
}
