import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fingerprint } from '../../../../src-main/engine/data'
import { decodePng } from '../../../../src-main/engine/export/png'
import { exportGallery, type GalleryExportResult, type GalleryManifest, type GalleryRowsPartial } from '../../../../src-main/engine/gallery'
import { CancelledError, silentContext } from '../../../../src-main/engine/base/job-context'
import { predictBatch } from '../../../../src-main/engine/jobs/predict'
import { APP_VERSION } from '../../../../src-main/engine/base/version'
import { readNpy } from '../models/npy'
import { APPENDIX_C_ATTACKS, openFixture, recordingContext, removeTempFolders, tempFolder, type GalleryFixture } from './gallery-fixture'

const KEYS = ['hf', 'salt-pepper', 'single-pixel']

let fx: GalleryFixture
let out: string
let result: GalleryExportResult
let partials: GalleryRowsPartial[]
let manifest: GalleryManifest

/** Splits one CSV line (RFC 4180 quoting, no line breaks inside fields). */
function parseCsvLine(line: string): string[] {
  const fields: string[] = []
  let at = 0
  while (at <= line.length) {
    if (line[at] === '"') {
      let value = ''
      at += 1
      while (at < line.length) {
        if (line[at] === '"' && line[at + 1] === '"') {
          value += '"'
          at += 2
        } else if (line[at] === '"') {
          at += 1
          break
        } else value += line[at++]
      }
      fields.push(value)
      at += 1
    } else {
      const end = line.indexOf(',', at)
      fields.push(line.slice(at, end < 0 ? line.length : end))
      at = end < 0 ? line.length + 1 : end + 1
    }
  }
  return fields
}

const readManifest = (folder: string) => JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as GalleryManifest

beforeAll(async () => {
  fx = await openFixture()
  out = tempFolder('gallery')
  const recorder = recordingContext()
  result = await exportGallery(
    {
      model: fx.model,
      dataset: fx.dataset,
      indices: fx.indices,
      attacks: APPENDIX_C_ATTACKS,
      seed: 3,
      batchSize: 8,
      out,
      backend: tf.getBackend(),
      selection: { mode: 'indices', indices: Array.from(fx.indices) },
    },
    recorder.ctx,
  )
  partials = recorder.partials
  manifest = readManifest(out)
})

afterAll(removeTempFolders)

describe('exportGallery', () => {
  it('writes an original PNG and, per attack, a PNG and a .npy per sample, one contact sheet and the index files', () => {
    const files = readdirSync(out).sort()
    expect(files).toHaveLength(8 * (1 + 2 * KEYS.length) + 1 + 3)
    for (const index of fx.indices) {
      const stem = String(index).padStart(6, '0')
      expect(files).toContain(`${stem}_original.png`)
      for (const key of KEYS) expect(files).toEqual(expect.arrayContaining([`${stem}_${key}.png`, `${stem}_${key}.npy`]))
    }
    expect(files).toEqual(expect.arrayContaining(['contact-sheet-001.png', 'index.html', 'manifest.json', 'manifest.csv']))
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false)
    expect(result.files).toBe(8 * 7 + 1)
    expect(result.written).toBe(8)
    expect(result.contactSheets).toEqual(['contact-sheet-001.png'])
  })

  it('records the run in manifest.json: model and its SHA-256, data set fingerprint, app version, backend, seed, resolved parameters', async () => {
    expect(manifest.status).toBe('complete')
    expect(manifest.app.version).toBe(APP_VERSION)
    expect(manifest.backend).toBe('wasm')
    expect(manifest.seed).toBe(3)
    expect(manifest.success_rule).toMatch(/logit margin .* below −0\.001/)
    expect(manifest.model.file).toBe(fx.model.info.source)
    expect(manifest.model.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(manifest.model.sha256).toBe(fx.model.info.sha256)
    expect(manifest.dataset.fingerprint).toBe(await fingerprint(fx.dataset))
    expect(manifest.selection).toEqual({ description: { mode: 'indices', indices: Array.from(fx.indices) }, requested: 8 })
    expect(manifest.attacks.map((a) => [a.key, a.params])).toEqual(KEYS.map((k) => [k, result.perAttack[k].params]))
    expect(manifest.attacks[2].params).toEqual({ maxPixels: 60, seed: 3 })
    expect(Number.isNaN(Date.parse(manifest.started))).toBe(false)
    expect(manifest.counts).toEqual({ processed: 8, written: 8, lost_after_png: result.lostAfterPng })
  })

  it('lists every sample with the predictions, confidences and distances the run returned', () => {
    expect(manifest.rows.map((r) => r.index)).toEqual(result.rows.map((r) => r.index))
    manifest.rows.forEach((row, i) => {
      const run = result.rows[i]
      expect(row.sample_id).toBe(String(run.index).padStart(6, '0'))
      expect(row.source_file).toBe(fx.dataset.info.source)
      expect(row.source_index).toBe(run.index)
      expect(row.true_label).toBe(fx.dataset.labels()[run.index])
      expect(row.clean).toEqual({ prediction: run.clean.label, predicted_class: String(run.clean.label), confidence: run.clean.confidence })
      for (const key of KEYS) {
        const a = run.attacks[key]
        expect(row.attacks[key]).toMatchObject({
          prediction: a.label,
          confidence: a.confidence,
          success: a.success,
          margin: a.margin,
          l2: a.l2,
          linf: a.linf,
          queries: a.queries,
          extra: a.extra,
        })
      }
    })
    expect(manifest.rows.filter((r) => KEYS.every((k) => r.attacks[k].success) && r.clean.prediction === r.true_label)).toHaveLength(
      result.allFooledCount,
    )
  })

  it('writes .npy files that hold the run’s float32 adversarials bit for bit', () => {
    const streamed = partials.flatMap((p) => p.rows)
    for (const row of streamed) {
      for (const key of KEYS) {
        const npy = readNpy(join(out, manifest.rows.find((r) => r.index === row.index)!.attacks[key].npy))
        expect(npy.shape).toEqual([28, 28, 1])
        const expected = row.pixels.attacks[key].adversarial.data as Float32Array
        expect(Buffer.from(npy.data.buffer).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength))).toBe(true)
      }
    }
  })

  it('re-classifies every written PNG and flags whether it still fools the model', async () => {
    let lost = 0
    for (const key of KEYS) {
      const pixels = new Float32Array(8 * 784)
      for (const [i, row] of manifest.rows.entries()) {
        const bytes = await decodePng(readFileSync(join(out, row.attacks[key].png)), 1)
        pixels.set(
          Float32Array.from(bytes, (v) => v / 255),
          i * 784,
        )
      }
      const images = tf.tensor4d(pixels, [8, 28, 28, 1])
      const reread = await predictBatch(fx.model, images)
      images.dispose()
      manifest.rows.forEach((row, i) => {
        const entry = row.attacks[key]
        expect(entry.png_prediction).toBe(reread.labels[i])
        expect(entry.png_confidence).toBeCloseTo(reread.confidences[i], 5)
        expect(entry.still_adversarial_after_png).toBe(entry.success && reread.labels[i] !== row.true_label)
        if (entry.success && !entry.still_adversarial_after_png) lost += 1
      })
      expect(result.lostAfterPng[key]).toBe(
        manifest.rows.filter((r) => r.attacks[key].success && !r.attacks[key].still_adversarial_after_png).length,
      )
    }
    expect(Object.values(result.lostAfterPng).reduce((a, b) => a + b, 0)).toBe(lost)
  })

  it('writes manifest.csv with one line per sample and attack, matching manifest.json', () => {
    const lines = readFileSync(join(out, 'manifest.csv'), 'utf8').trimEnd().split('\n').map(parseCsvLine)
    expect(lines).toHaveLength(1 + 8 * KEYS.length)
    const header = lines[0]
    expect(header).toEqual(
      expect.arrayContaining([
        'sample_id',
        'source_file',
        'index',
        'true_label',
        'attack',
        'attack_params',
        'l2',
        'linf',
        'still_adversarial_after_png',
        'seed',
        'model_sha256',
        'app_version',
        'backend',
        'date',
      ]),
    )
    const records = lines.slice(1).map((fields) => Object.fromEntries(header.map((h, k) => [h, fields[k]])))
    records.forEach((rec, n) => {
      const row = manifest.rows[Math.floor(n / KEYS.length)]
      const key = KEYS[n % KEYS.length]
      const entry = row.attacks[key]
      expect(rec).toMatchObject({
        sample_id: row.sample_id,
        index: String(row.index),
        attack: key,
        png: entry.png,
        model_sha256: manifest.model.sha256,
        seed: '3',
        backend: 'wasm',
        date: manifest.started,
      })
      expect(JSON.parse(rec.attack_params)).toEqual(manifest.attacks.find((a) => a.key === key)!.params)
      expect(Number(rec.l2)).toBe(entry.l2)
      expect(rec.still_adversarial_after_png).toBe(String(entry.still_adversarial_after_png))
      expect(rec.dataset).toBe('MNIST test (first 1,000)')
    })
  })

  it('writes a contact sheet with a row per sample and an index.html with relative links only', async () => {
    const { width, height } = await sharp(readFileSync(join(out, 'contact-sheet-001.png'))).metadata()
    expect(width).toBeGreaterThanOrEqual(4 * 84)
    expect(height).toBeGreaterThan(8 * 84)
    const html = readFileSync(join(out, 'index.html'), 'utf8')
    expect(html).not.toContain('<script')
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])
    expect(sources.length).toBeGreaterThan(8 * 7)
    for (const s of sources) expect(readdirSync(out)).toContain(decodeURI(s))
  })

  it('refuses to overwrite an earlier export unless forced', async () => {
    const before = statSync(join(out, 'manifest.json')).mtimeMs
    const request = {
      model: fx.model,
      dataset: fx.dataset,
      indices: fx.indices.subarray(0, 2),
      attacks: [APPENDIX_C_ATTACKS[0]],
      out,
      backend: 'wasm',
    }
    await expect(exportGallery(request, silentContext())).rejects.toMatchObject({ code: 'EXISTS' })
    await expect(exportGallery({ ...request, out: join(out, 'manifest.json'), force: true }, silentContext())).rejects.toMatchObject({
      code: 'GALLERY_OUT',
    })
    expect(statSync(join(out, 'manifest.json')).mtimeMs).toBe(before)
    const forced = await exportGallery({ ...request, force: true }, silentContext())
    expect(forced.written).toBe(2)
    expect(readManifest(out).rows.map((r) => r.index)).toEqual([2, 9])
  })
})

describe('a cancelled export', () => {
  it('stops after the batch in progress and leaves a manifest of exactly the files it wrote', async () => {
    const fixture = await openFixture()
    const folder = tempFolder('cancelled')
    const { ctx, partials: seen } = recordingContext(1)
    const request = {
      model: fixture.model,
      dataset: fixture.dataset,
      indices: fixture.indices,
      attacks: APPENDIX_C_ATTACKS.slice(0, 2),
      batchSize: 3,
      out: folder,
      backend: 'wasm',
      sheetRows: 2,
    }
    await expect(exportGallery(request, ctx)).rejects.toBeInstanceOf(CancelledError)
    expect(seen).toHaveLength(1)
    const written = readManifest(folder)
    expect(written.status).toBe('cancelled')
    expect(written.counts).toMatchObject({ processed: 3, written: 3 })
    expect(written.rows.map((r) => r.index)).toEqual([2, 9, 18])
    const listed = new Set(['manifest.json', 'manifest.csv', 'index.html', ...written.files.contact_sheets])
    for (const row of written.rows) {
      listed.add(row.original_png)
      for (const key of ['hf', 'salt-pepper']) [row.attacks[key].png, row.attacks[key].npy].forEach((f) => listed.add(f))
    }
    expect(written.files.contact_sheets).toEqual(['contact-sheet-001.png', 'contact-sheet-002.png'])
    expect(readdirSync(folder).sort()).toEqual([...listed].sort())
    expect(readFileSync(join(folder, 'manifest.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(1 + 3 * 2)
  })
})

describe('an export into a folder that cannot take files', () => {
  it('fails at once with OUT_NOT_WRITABLE, before any attack runs, for a folder under /proc', async () => {
    const fixture = await openFixture()
    const { ctx, partials: seen } = recordingContext()
    const request = {
      model: fixture.model,
      dataset: fixture.dataset,
      indices: fixture.indices,
      attacks: APPENDIX_C_ATTACKS,
      out: '/proc/hfc-lab-gallery/out',
      backend: 'wasm',
    }
    await expect(exportGallery(request, ctx)).rejects.toMatchObject({
      code: 'OUT_NOT_WRITABLE',
      message: expect.stringMatching(/^Cannot write to \/proc\/hfc-lab-gallery\/out: choose another folder/),
    })
    expect(seen).toHaveLength(0)
  })
})
