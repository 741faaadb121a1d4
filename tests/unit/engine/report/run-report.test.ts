import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineHost } from '../../../../src-main/engine/runtime/host'
import { findChromium } from '../../../../src-main/engine/report'
import { heatmapGrids } from '../../../../src-main/protocol/heatmap'
import { LabCallError } from '../../../../src-main/protocol/errors'
import type { ReportPartial, ReportResults, ReportSummary } from '../../../../src-main/protocol/report'

/**
 * The report on the embedded MNIST model, first 4 images, quick preset: every number it writes is
 * the number the individual protocol call returns with the same settings.
 */
describe('report.run', () => {
  let host: EngineHost
  let ids: { modelId: string; datasetId: string }
  let out: string
  let summary: ReportSummary
  let results: ReportResults
  const partials: ReportPartial[] = []

  beforeAll(async () => {
    host = await EngineHost.start({ backend: 'wasm', workers: 2 })
    const { id: datasetId } = await host.call('data.open', { defaultId: 'mnist' })
    const { id: modelId } = await host.call('model.open', { defaultId: 'mnist' })
    ids = { modelId, datasetId }
    out = await mkdtemp(join(tmpdir(), 'hfc-report-'))
    summary = await host.call('report.run', { ...ids, out, preset: 'quick', limit: 4, pdf: false }, { onPartial: (p) => partials.push(p) })
    results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ReportResults
    // Eight attack curves and a gallery on 4 images: seconds on an idle machine, far longer on a loaded one.
  }, 900_000)
  afterAll(async () => {
    await host.close()
    await rm(out, { recursive: true, force: true })
  })

  it('reports every section done, in order, each with its results', () => {
    const done = partials.filter((p) => p.status === 'done').map((p) => p.section)
    expect(done).toEqual(['setup', 'figure1', 'radius', 'curves', 'direct', 'gallery', 'kernels', 'heatmap', 'write'])
    const curves = partials.find((p) => p.status === 'done' && p.section === 'curves')
    expect(curves?.status === 'done' && curves.results.curves?.entries.map((e) => e.auc)).toEqual(results.curves.entries.map((e) => e.auc))
    expect(summary.pdf).toBeNull()
    expect(summary.pdfNote).toMatch(/print/)
  })

  it('writes the settings it ran with: the first 4 images for every section', () => {
    expect(results.settings.wideSelection).toEqual({ limit: 4 })
    expect(results.settings.attackSelection).toEqual({ limit: 4, n: 4, seed: 0 })
    expect(results.methods.model.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(results.methods.dataset.fingerprint).toMatch(/^[0-9a-f]{64}$/)
    expect(results.curves.indices).toHaveLength(4)
  })

  it('has the accuracy, Figure-1 counts, SVD control and radius curve of the individual calls', async () => {
    const wide = results.settings.wideSelection
    const { radius, mask, svdKs } = results.settings.figure1
    const evaluation = await host.call('model.evaluate', { ...ids, ...wide })
    expect(results.evaluation).toEqual({ n: evaluation.n, accuracy: evaluation.accuracy })
    const figure1 = await host.call('spectral.figure1', { ...ids, radius, mask, ...wide })
    expect(results.figure1.counts).toEqual(figure1.counts)
    expect(results.figure1.highOnly.map((s) => s.index)).toEqual(figure1.highOnly.map((s) => s.index))
    const svd = await host.call('spectral.svdControl', { ...ids, radius, mask, ks: svdKs, ...wide })
    expect(results.figure1.svd).toEqual(svd)
    const curve = await host.call('spectral.radiusCurve', { ...ids, mask, radii: results.settings.radius.radii, ...wide })
    expect(results.radius).toEqual(curve)
  })

  it('has the AUCs of attack.curve and the success rate of attack.run', async () => {
    const { protocols, norm, points } = results.settings.curves
    const fgsm = results.settings.curves.attacks.find((a) => a.id === 'fgsm')!
    const defenses = results.settings.curves.defenses.filter((d) => d.kind !== 'd2')
    const run = await host.call('attack.curve', {
      ...ids,
      attacks: [fgsm],
      defenses,
      protocols,
      norm,
      points,
      ...results.settings.attackSelection,
    })
    for (const entry of run.entries) {
      const mine = results.curves.entries.find(
        (e) => e.attack === entry.attack && e.defense === entry.defense && e.protocol === entry.protocol,
      )
      expect(mine?.auc).toBe(entry.curve.auc)
      expect(mine?.cleanAccuracy).toBe(entry.curve.cleanAccuracy)
    }
    const single = await host.call('attack.run', { ...ids, attack: fgsm, ...results.settings.attackSelection })
    const none = results.curves.entries.find((e) => e.attack === 'fgsm' && e.defense === 'none')!
    expect(none.successRate).toBe(single.success.reduce((s, v) => s + v, 0) / single.success.length)
  })

  it('has the Appendix-C samples of gallery.run over the whole attack selection', async () => {
    const attacks = results.settings.gallery.attacks.map((a) => ({ ...a, key: a.id }))
    const gallery = await host.call('gallery.run', { ...ids, attacks, onlyAllFooled: true, ...results.settings.attackSelection })
    expect(results.gallery.allFooledCount).toBe(gallery.allFooledCount)
    expect(results.gallery.rows.map((r) => r.index)).toEqual(gallery.rows.map((r) => r.index))
    expect(results.gallery.cleanCorrect).toBe(gallery.cleanCorrect)
    for (const [key, a] of Object.entries(gallery.perAttack))
      expect(results.gallery.perAttack[key]).toMatchObject({ successRate: a.successRate, fooled: a.fooled })
  }, 600_000)

  it('has the kernel energy, the D2 accuracy cost and the heat map of the individual calls', async () => {
    const { radius } = results.settings.kernels
    const kernels = await host.call('model.kernels', { modelId: ids.modelId, radius })
    expect(results.kernels.energyRemovedFraction).toBe(kernels.energyRemovedFraction)
    const after = await host.call('model.evaluate', { ...ids, defense: { kind: 'd2', radii: [radius] }, ...results.settings.wideSelection })
    expect(results.kernels.accuracyAfter).toBe(after.accuracy)
    const { eps, stride } = results.settings.heatmap
    const map = await host.call('spectral.heatmap', { ...ids, eps, stride, seed: 0, ...results.settings.wideSelection })
    expect(results.heatmap.maxErrorRate).toBe(Math.max(0, ...Array.from(map.errors, (e) => e / map.n)))
    const grid = heatmapGrids(map).error
    expect(Number.isNaN(grid[0]) || grid[0] >= 0).toBe(true)
  })

  it('writes an index.html that links only files of the folder, and no URL', () => {
    const html = readFileSync(summary.index, 'utf8')
    expect(html).not.toMatch(/https?:\/\//)
    const links = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => decodeURI(m[1]))
    expect(links.length).toBeGreaterThan(8)
    for (const link of links) expect(existsSync(join(out, link)), link).toBe(true)
    for (const name of ['figure2.png', 'figure3.png', 'figure4.png', 'radius.png', 'kernels.png', 'heatmap.png', 'appendixB.png'])
      expect(links).toContain(name)
    expect(html).toContain(results.methods.model.sha256)
    expect(html).toContain(results.methods.dataset.fingerprint)
  })

  it('resumes a finished run from its saved sections, and prints the PDF where a Chromium is found', async () => {
    const again: ReportPartial[] = []
    const rerun = await host.call('report.run', { ...ids, out, preset: 'quick', limit: 4, pdf: true }, { onPartial: (p) => again.push(p) })
    const resumed = again.filter((p) => p.status === 'done' && p.resumed).map((p) => p.section)
    expect(resumed).toEqual(['setup', 'figure1', 'radius', 'curves', 'direct', 'gallery', 'kernels', 'heatmap'])
    // As results.json spells them (a median over no fooled sample is NaN in memory, null in JSON).
    const asJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown
    expect(asJson(rerun.data.curves)).toEqual(results.curves)
    expect(asJson(rerun.data.gallery)).toEqual(results.gallery)
    if (findChromium()) {
      expect(rerun.pdf).toBe(join(out, 'report.pdf'))
      expect(readFileSync(join(out, 'report.pdf')).subarray(0, 5).toString()).toBe('%PDF-')
    } else expect(rerun.pdf).toBeNull()
  })

  it('refuses a folder that holds the report of another run, unless forced', async () => {
    const error = await host.call('report.run', { ...ids, out, preset: 'quick', limit: 4, seed: 1, pdf: false }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LabCallError)
    expect((error as LabCallError).code).toBe('EXISTS')
  })
})
