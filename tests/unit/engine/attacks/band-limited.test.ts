import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../src-main/engine/attacks'
import { projectOntoBand } from '../../../../src-main/engine/attacks/band'
import { parseBand, type BandChoice } from '../../../../src-main/protocol/attacks'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import type { Classifier } from '../../../../src-main/engine/models/classifier'
import { fft2, radialMaskUnshifted } from '../../../../src-main/engine/spectral'
import { mnistTestBatch, trainedMnistClassifier } from './mnist-classifier'

/** Share of each 28x28 plane's spectral energy (f64 FFT) outside the band, over all planes. */
function energyOutside(planes: Float32Array, choice: BandChoice): number {
  const inner = radialMaskUnshifted(28, 28, choice.bandRadius)
  const outer = radialMaskUnshifted(28, 28, choice.bandRadius2)
  const inBand = (k: number) =>
    choice.band === 'low' ? inner[k] === 1 : choice.band === 'high' ? inner[k] === 0 : outer[k] === 1 && inner[k] === 0
  let out = 0
  let all = 0
  for (let p = 0; p < planes.length / 784; p++) {
    const { re, im } = fft2(Float64Array.from(planes.subarray(p * 784, (p + 1) * 784)), new Float64Array(784), 28, 28)
    for (let k = 0; k < 784; k++) {
      const e = re[k] * re[k] + im[k] * im[k]
      all += e
      if (!inBand(k)) out += e
    }
  }
  return all > 0 ? out / all : 0
}

const band = (text: string): BandChoice => ({ band: 'all', bandRadius: 8, bandRadius2: 16, ...parseBand(text) })

describe('band projection (the decomposition masks)', () => {
  let delta: tf.Tensor4D
  beforeAll(() => {
    delta = tf.randomNormal([3, 28, 28, 1], 0, 1, 'float32', 4) as tf.Tensor4D
  })

  it.each(['low:6', 'high:6', 'annulus:4-10'])('%s keeps only the band (f64 FFT of the result)', (text) => {
    const projected = projectOntoBand(delta, band(text)).dataSync() as Float32Array
    expect(energyOutside(projected, band(text))).toBeLessThan(1e-10)
    expect(energyOutside(delta.dataSync() as Float32Array, band(text))).toBeGreaterThan(0.1)
  })

  it('splits a perturbation exactly: low + high = the perturbation', () => {
    const sum = tf.add(projectOntoBand(delta, band('low:6')), projectOntoBand(delta, band('high:6'))).dataSync()
    const original = delta.dataSync()
    for (let k = 0; k < sum.length; k++) expect(Math.abs(sum[k] - original[k])).toBeLessThan(1e-5)
  })

  it('reads the CLI forms and refuses the others with a sentence', () => {
    expect(parseBand('low:8')).toEqual({ band: 'low', bandRadius: 8 })
    expect(parseBand('annulus:4-10')).toEqual({ band: 'annulus', bandRadius: 4, bandRadius2: 10 })
    expect(parseBand('all')).toEqual({ band: 'all' })
    expect(() => parseBand('mid:3')).toThrow(/low:R, high:R or annulus:R1-R2/)
    expect(() => parseBand('annulus:9-3')).toThrow(/outer radius above/)
  })
})

describe('band-limited FGSM and PGD on a trained MNIST classifier', () => {
  let model: Classifier
  let images: tf.Tensor4D
  let labels: Int32Array
  let clean: Float32Array
  beforeAll(async () => {
    model = await trainedMnistClassifier()
    ;({ images, labels } = mnistTestBatch(12, 300))
    clean = images.dataSync() as Float32Array
  })

  const perturbation = (adversarial: Float32Array) => adversarial.map((v, k) => v - clean[k])

  it('L2 PGD in the low band puts its perturbation in the band, up to the [0, 1] clipping, and still fools the model', async () => {
    const choice = band('low:5')
    const limited = await runAttack('pgd', model, images, labels, { norm: 'l2', epsilons: [3], steps: 20, ...choice }, silentContext())
    const free = await runAttack('pgd', model, images, labels, { norm: 'l2', epsilons: [3], steps: 20 }, silentContext())
    const outsideLimited = energyOutside(perturbation(limited.adversarial), choice)
    const outsideFree = energyOutside(perturbation(free.adversarial), choice)
    expect(outsideLimited).toBeLessThan(0.1)
    expect(outsideFree).toBeGreaterThan(0.5)
    expect(limited.success.reduce((s, v) => s + v, 0)).toBeGreaterThan(0)
    for (const d of limited.distanceL2) expect(d).toBeLessThanOrEqual(3 + 1e-4)
  })

  it('FGSM in the high band steps along the band part of sign(g) at L∞ norm ε, away from the low frequencies', async () => {
    const choice = band('high:8')
    const epsilon = 0.1
    const limited = await runAttack('fgsm', model, images, labels, { mode: 'fixed', epsilon, ...choice }, silentContext())
    const free = await runAttack('fgsm', model, images, labels, { mode: 'fixed', epsilon }, silentContext())
    for (const d of limited.distanceLinf) expect(d).toBeLessThanOrEqual(epsilon + 1e-6)
    // Clipping at the black MNIST background moves energy to low frequencies, so compare with the unrestricted step.
    const outsideLimited = energyOutside(perturbation(limited.adversarial), choice)
    const outsideFree = energyOutside(perturbation(free.adversarial), choice)
    expect(outsideLimited).toBeLessThan(0.6 * outsideFree)
  })
})
