import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { encodeNpy } from '../../protocol/npy'
import type { Dataset, ImageShape } from '../data/dataset'
import { writeFileAtomic } from '../export/atomic-write'
import { ContactSheet, sheetImageSize } from '../export/contact-sheet'
import { galleryHtml } from '../export/gallery-html'
import {
  manifestCsv,
  type ExportStatus,
  type GalleryManifest,
  type ManifestAttackEntry,
  type ManifestRow,
} from '../export/gallery-manifest'
import { decodePng, encodePng, toBytes } from '../export/png'
import { predictBatch, type Predictions } from '../jobs/predict'
import type { Classifier } from '../models/classifier'
import { INDEX_HTML, MANIFEST_CSV, MANIFEST_JSON, attackFile, contactSheetName, originalPng, sampleStem } from './export-names'
import type { GalleryBatch } from './gallery-batches'
import { sampleSource } from './sample-source'
import { sheetCells, sheetColumns, sheetTitle } from './sheet-cells'
import type { GalleryRow, PlannedAttack } from './types'

function className(classes: readonly string[], label: number): string {
  return classes[label] ?? String(label)
}

/**
 * Writes an exported gallery batch by batch: per sample the original PNG and, per attack, the
 * adversarial as PNG and float32 .npy; re-reads every PNG and re-classifies it; pages the contact
 * sheet; and rewrites manifest.json, manifest.csv and index.html after each batch, so whatever
 * stops the export leaves a manifest of exactly the samples whose files are all on disk.
 */
export class GalleryExportWriter {
  private readonly sheet: ContactSheet
  private pages = 0
  private fileCount = 0

  constructor(
    private readonly out: string,
    private readonly force: boolean,
    private readonly manifest: GalleryManifest,
    private readonly plan: PlannedAttack[],
    private readonly model: Classifier,
    private readonly dataset: Dataset,
    private readonly sheetRows: number,
  ) {
    this.sheet = new ContactSheet(sheetTitle(manifest), sheetColumns(plan))
  }

  get filesWritten(): number {
    return this.fileCount
  }

  get contactSheets(): string[] {
    return this.manifest.files.contact_sheets
  }

  private async write(name: string, data: Uint8Array | string, force = this.force): Promise<void> {
    await writeFileAtomic(join(this.out, name), data, { force })
    this.fileCount += 1
  }

  /** Rewrites manifest.json, manifest.csv and index.html (owned by this export, so replaced freely). */
  async writeIndexFiles(status: ExportStatus): Promise<void> {
    this.manifest.status = status
    this.manifest.updated = new Date().toISOString()
    const [h, w] = this.dataset.info.shape
    const files: [string, string][] = [
      [MANIFEST_JSON, `${JSON.stringify(this.manifest, null, 1)}\n`],
      [MANIFEST_CSV, manifestCsv(this.manifest)],
      [INDEX_HTML, galleryHtml(this.manifest, sheetImageSize(h, w)[1])],
    ]
    for (const [name, text] of files) await writeFileAtomic(join(this.out, name), text, { force: true })
  }

  /** Renders the pending contact-sheet rows as the next page, if there are any. */
  async flushSheet(): Promise<void> {
    if (this.sheet.rowCount === 0) return
    this.pages += 1
    const name = contactSheetName(this.pages)
    await this.write(name, await this.sheet.render())
    this.manifest.files.contact_sheets.push(name)
  }

  /** Writes the batch's kept samples, records them in the manifest and rewrites the index files. */
  async writeBatch(batch: GalleryBatch): Promise<void> {
    const shape = this.dataset.info.shape
    const [h, w, c] = shape
    const size = h * w * c
    const kept = batch.rows.map((_, i) => i).filter((i) => batch.keep[i])
    const pngs = new Map(this.plan.map((a) => [a.key, new Float32Array(kept.length * size)]))
    for (const [slot, i] of kept.entries()) {
      const index = batch.indices[i]
      await this.write(originalPng(index), await encodePng(toBytes(batch.clean.subarray(i * size, (i + 1) * size)), h, w, c))
      for (const a of this.plan) {
        const adversarial = batch.adversarial[a.key].slice(i * size, (i + 1) * size)
        await this.write(attackFile(index, a.key, 'png'), await encodePng(toBytes(adversarial), h, w, c))
        await this.write(attackFile(index, a.key, 'npy'), encodeNpy(adversarial, [h, w, c]))
        const reread = await decodePng(await readFile(join(this.out, attackFile(index, a.key, 'png'))), c)
        ;(pngs.get(a.key) as Float32Array).set(
          Float32Array.from(reread, (v) => v / 255),
          slot * size,
        )
      }
    }
    const rechecked = new Map<string, Predictions>()
    for (const a of this.plan) rechecked.set(a.key, await classify(this.model, pngs.get(a.key) as Float32Array, kept.length, shape))
    for (const [slot, i] of kept.entries()) {
      const row = this.manifestRow(batch.rows[i], slot, rechecked)
      this.manifest.rows.push(row)
      const pixels = (key: string) => batch.adversarial[key].subarray(i * size, (i + 1) * size)
      const adversarial = Object.fromEntries(this.plan.map((a) => [a.key, pixels(a.key)]))
      this.sheet.add(
        sheetCells(
          row,
          batch.clean.subarray(i * size, (i + 1) * size),
          adversarial,
          this.plan.map((a) => a.key),
          shape,
        ),
      )
      if (this.sheet.rowCount >= this.sheetRows) await this.flushSheet()
    }
    this.manifest.counts.processed += batch.rows.length
    this.manifest.counts.written += kept.length
    await this.writeIndexFiles('running')
  }

  private manifestRow(row: GalleryRow, slot: number, rechecked: Map<string, Predictions>): ManifestRow {
    const modelClasses = this.model.info.classes
    const source = sampleSource(this.dataset, row.index)
    const attacks: Record<string, ManifestAttackEntry> = {}
    for (const a of this.plan) {
      const o = row.attacks[a.key]
      const png = rechecked.get(a.key) as Predictions
      const still = o.success && png.labels[slot] !== row.label
      if (o.success && !still) this.manifest.counts.lost_after_png[a.key] += 1
      attacks[a.key] = {
        prediction: o.label,
        predicted_class: className(modelClasses, o.label),
        confidence: o.confidence,
        success: o.success,
        margin: o.margin,
        l2: o.l2,
        linf: o.linf,
        queries: o.queries,
        extra: o.extra,
        png: attackFile(row.index, a.key, 'png'),
        npy: attackFile(row.index, a.key, 'npy'),
        png_prediction: png.labels[slot],
        png_confidence: png.confidences[slot],
        still_adversarial_after_png: still,
      }
    }
    return {
      sample_id: sampleStem(row.index),
      source_file: source.file,
      source_index: source.index,
      index: row.index,
      true_label: row.label,
      true_class: className(this.dataset.info.classes, row.label),
      clean: { prediction: row.clean.label, predicted_class: className(modelClasses, row.clean.label), confidence: row.clean.confidence },
      original_png: originalPng(row.index),
      attacks,
    }
  }
}

async function classify(model: Classifier, pixels: Float32Array, count: number, shape: ImageShape): Promise<Predictions> {
  if (count === 0) return { labels: new Int32Array(0), confidences: new Float32Array(0) }
  const images = tf.tensor4d(pixels, [count, ...shape])
  try {
    return await predictBatch(model, images)
  } finally {
    images.dispose()
  }
}
