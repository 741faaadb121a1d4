import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../src-main/engine/attacks'
import { MARGIN_TAU } from '../../../../src-main/engine/attacks/margin'
import { runGallery, type GalleryRowsPartial, type GallerySummary } from '../../../../src-main/engine/gallery'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import { radialEnergyProfile } from '../../../../src-main/engine/spectral'
import { APPENDIX_C_ATTACKS, openFixture, recordingContext, type GalleryFixture } from './gallery-fixture'

let fx: GalleryFixture
let summary: GallerySummary
let partials: GalleryRowsPartial[]

beforeAll(async () => {
  fx = await openFixture()
  const recorder = recordingContext()
  summary = await runGallery(
    { model: fx.model, dataset: fx.dataset, indices: fx.indices, attacks: APPENDIX_C_ATTACKS, seed: 5, batchSize: 3 },
    recorder.ctx,
  )
  partials = recorder.partials
})

const streamed = () => partials.flatMap((p) => p.rows)

describe('runGallery', () => {
  it('streams one gallery-rows partial per batch, which together are the summary rows', () => {
    expect(partials.map((p) => [p.type, p.rows.length, p.done, p.total])).toEqual([
      ['gallery-rows', 3, 3, 8],
      ['gallery-rows', 3, 6, 8],
      ['gallery-rows', 2, 8, 8],
    ])
    expect(streamed().map(({ pixels: _, ...row }) => row)).toEqual(summary.rows)
    expect(summary.rows.map((r) => r.index)).toEqual(Array.from(fx.indices))
  })

  it('gives the seeded attacks the run seed and the same images as attacking all samples at once', async () => {
    const params = summary.perAttack['salt-pepper'].params
    expect(params).toEqual({ epsilons: 40, repetitions: 2, seed: 5 })
    const images = tf.tensor4d(await fx.dataset.read(fx.indices), [8, 28, 28, 1])
    const labels = Int32Array.from(fx.indices, (i) => fx.dataset.labels()[i])
    const whole = await runAttack('salt-pepper', fx.model, images, labels, params, silentContext(), fx.indices)
    images.dispose()
    streamed().forEach((row, i) => {
      expect(Array.from(row.pixels.attacks['salt-pepper'].adversarial.data)).toEqual(
        Array.from(whole.adversarial.subarray(i * 784, (i + 1) * 784)),
      )
      expect(row.attacks['salt-pepper'].queries).toBe(whole.queries[i])
    })
  })

  it('captions every cell with predictions and margins that agree with the attack verdicts', () => {
    for (const row of summary.rows) {
      expect(row.cleanCorrect).toBe(row.clean.label === row.label)
      for (const a of Object.values(row.attacks)) {
        expect(a.success).toBe(a.margin < -MARGIN_TAU)
        if (a.success) expect(a.label).not.toBe(row.label)
        else if (a.label !== row.label) expect(a.margin).toBeGreaterThanOrEqual(-MARGIN_TAU)
        expect(a.confidence).toBeGreaterThan(0)
        expect(a.confidence).toBeLessThanOrEqual(1)
        if (!a.success) expect(a.linf).toBe(0)
      }
      expect(row.allFooled).toBe(row.cleanCorrect && Object.values(row.attacks).every((a) => a.success))
    }
    expect(summary.allFooledCount).toBe(summary.rows.filter((r) => r.allFooled).length)
    expect(summary.rows.every((r) => r.attacks.hf.extra.radius! > 0)).toBe(true)
    expect(summary.rows.find((r) => r.index === 62)?.cleanCorrect).toBe(false)
  })

  it('summarises each attack from its rows', () => {
    for (const [key, s] of Object.entries(summary.perAttack)) {
      const outcomes = summary.rows.map((r) => ({ ...r.attacks[key], cleanCorrect: r.cleanCorrect }))
      expect(s.successRate).toBeCloseTo(outcomes.filter((o) => o.success).length / 8, 12)
      expect(s.meanQueries).toBeCloseTo(outcomes.reduce((n, o) => n + o.queries, 0) / 8, 12)
      const fooled = outcomes.filter((o) => o.success && o.cleanCorrect)
      expect(s.fooled).toBe(fooled.length)
      if (fooled.length) {
        const l2 = fooled.map((o) => o.l2).sort((a, b) => a - b)
        expect(s.medianL2).toBe(l2.length % 2 ? l2[l2.length >> 1] : (l2[l2.length / 2 - 1] + l2[l2.length / 2]) / 2)
      }
    }
    expect(summary.perAttack.hf.fooled).toBeGreaterThan(0)
  })

  it('merges the per-batch perturbation spectra into the profile of all successful perturbations at once', () => {
    const rows = streamed()
    for (const key of Object.keys(summary.perAttack)) {
      const deltas = rows
        .filter((r) => r.attacks[key].success)
        .map((r) => {
          const adv = r.pixels.attacks[key].adversarial.data as Float32Array
          const x = r.pixels.original.data as Float32Array
          return adv.map((v, k) => v - x[k])
        })
      const spectrum = summary.perAttack[key].spectrum
      expect(spectrum).toHaveLength(Math.floor(Math.hypot(14, 14)) + 1)
      if (deltas.length === 0) continue
      const data = new Float32Array(deltas.length * 784)
      deltas.forEach((d, i) => data.set(d, i * 784))
      const expected = radialEnergyProfile({ data, shape: [deltas.length, 28, 28, 1] })
      spectrum.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 5))
      expect(spectrum.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6)
    }
  })

  it('sends exact float pixels for 28x28 images, with the amplified perturbation and its spectrum', () => {
    for (const row of streamed()) {
      expect(row.pixels.original.encoding).toBe('float32')
      expect(row.pixels.original.shape).toEqual([28, 28, 1])
      for (const [key, p] of Object.entries(row.pixels.attacks)) {
        const x = row.pixels.original.data as Float32Array
        const adv = p.adversarial.data as Float32Array
        expect(p.factor * row.attacks[key].linf).toBeLessThanOrEqual(0.5 + 1e-6)
        const pert = p.perturbation.data as Float32Array
        pert.forEach((v, k) => expect(v).toBeCloseTo(Math.min(1, Math.max(0, 0.5 + p.factor * (adv[k] - x[k]))), 5))
        expect(p.spectrum.shape).toEqual([28, 28, 1])
        const peak = Math.max(...(p.spectrum.data as Float32Array))
        expect(peak).toBe(row.attacks[key].linf > 0 ? 1 : 0)
      }
    }
  })

  it('keeps only the Appendix C rows when asked, while the statistics still cover every sample', async () => {
    const recorder = recordingContext()
    const filtered = await runGallery(
      { model: fx.model, dataset: fx.dataset, indices: fx.indices, attacks: [APPENDIX_C_ATTACKS[0]], onlyAllFooled: true, batchSize: 8 },
      recorder.ctx,
    )
    expect(filtered.n).toBe(8)
    expect(filtered.rows.map((r) => r.index)).toEqual(
      summary.rows.filter((r) => r.cleanCorrect && r.attacks.hf.success).map((r) => r.index),
    )
    expect(recorder.partials[0].rows.map((r) => r.index)).toEqual(filtered.rows.map((r) => r.index))
  })

  it('refuses bad requests before attacking', async () => {
    const base = { model: fx.model, dataset: fx.dataset, indices: fx.indices }
    await expect(runGallery({ ...base, attacks: [] }, silentContext())).rejects.toMatchObject({ code: 'GALLERY_NO_ATTACKS' })
    await expect(runGallery({ ...base, attacks: [{ id: 'hf' }, { id: 'hf' }] }, silentContext())).rejects.toMatchObject({
      code: 'GALLERY_ATTACK_KEY',
    })
    await expect(runGallery({ ...base, attacks: [{ id: 'hf', params: { step: 0 } }] }, silentContext())).rejects.toMatchObject({
      code: 'ATTACK_PARAMS',
    })
    await expect(runGallery({ ...base, attacks: [{ id: 'hf' }], onlyFooledBy: 'fgsm' }, silentContext())).rejects.toMatchObject({
      code: 'GALLERY_FILTER',
    })
  })
})
