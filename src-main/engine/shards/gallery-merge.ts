import { existsSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AttackSummary, GalleryExportSummary, GalleryRow, GallerySummary } from '../../protocol/gallery'
import type { GalleryRunOptions } from '../../protocol/shards'
import { median } from '../../protocol/summaries'
import { parseNpyHeader } from '../data/npy-format'
import { writeFileAtomic } from '../export/atomic-write'
import { ContactSheet, sheetImageSize } from '../export/contact-sheet'
import { galleryHtml } from '../export/gallery-html'
import { manifestCsv } from '../export/gallery-manifest'
import { decodePng } from '../export/png'
import {
  DEFAULT_SHEET_ROWS,
  INDEX_HTML,
  MANIFEST_CSV,
  MANIFEST_JSON,
  contactSheetName,
  sheetCells,
  sheetColumns,
  sheetTitle,
  type GalleryManifest,
  type ManifestRow,
} from '../gallery'
import type { StoredBatch } from './journal'
import type { MergeContext } from './merge-context'

/** The export's filter (Appendix C): the rows the unsharded export would have written. */
function passes(row: GalleryRow, run: GalleryRunOptions): boolean {
  return (
    (!run.onlyAllFooled || row.allFooled) && (run.onlyFooledBy === undefined || (row.cleanCorrect && row.attacks[run.onlyFooledBy].success))
  )
}

function npyFloats(bytes: Buffer, file: string): Float32Array {
  const { dataOffset } = parseNpyHeader(file, bytes)
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset + dataOffset, bytes.byteOffset + bytes.byteLength))
}

/**
 * Per-attack statistics over every sample of every batch, as one export computes them. The
 * perturbation spectrum is each batch's normalised profile weighted by its energy Σ‖δ‖²
 * (from the per-sample L2 distances), which restores the sum over all samples up to rounding.
 */
function mergePerAttack(batches: StoredBatch<GallerySummary>[], keys: string[]): Record<string, AttackSummary> {
  const rows = batches.flatMap((b) => b.result.rows)
  const n = rows.length
  const first = batches[0].result.perAttack
  const perAttack: Record<string, AttackSummary> = {}
  for (const key of keys) {
    const fooled = rows.filter((r) => r.attacks[key].success && r.cleanCorrect)
    const weights = batches.map((b) => b.result.rows.reduce((s, r) => s + (r.attacks[key].success ? r.attacks[key].l2 ** 2 : 0), 0))
    const total = weights.reduce((a, b) => a + b, 0)
    const spectrum = first[key].spectrum.map((_, k) =>
      total > 0 ? batches.reduce((s, b, j) => s + b.result.perAttack[key].spectrum[k] * weights[j], 0) / total : 0,
    )
    perAttack[key] = {
      label: first[key].label,
      params: first[key].params,
      successRate: n ? rows.filter((r) => r.attacks[key].success).length / n : 0,
      fooled: fooled.length,
      medianL2: median(fooled.map((r) => r.attacks[key].l2)),
      medianLinf: median(fooled.map((r) => r.attacks[key].linf)),
      meanQueries: n ? rows.reduce((s, r) => s + r.attacks[key].queries, 0) / n : 0,
      spectrum,
    }
  }
  return perAttack
}

/**
 * `hfc-lab merge` for galleries: copies the files of the samples that pass the run's filter from
 * the shards' batch folders into `out`, draws the contact sheets over all of them in selection
 * order, and writes manifest.json/.csv and index.html as one unsharded export would.
 */
export async function mergeGallery(
  batches: StoredBatch<GallerySummary>[],
  { out, force, record, shards }: MergeContext,
): Promise<GalleryExportSummary> {
  if (existsSync(out) && readdirSync(out).length > 0 && !force)
    throw new Error(`${out} is not empty. Merge into a new folder, or confirm overwriting with --force`)
  const run = record.run as unknown as GalleryRunOptions
  const manifests: GalleryManifest[] = []
  for (const b of batches) manifests.push(JSON.parse(await readFile(join(b.dir, MANIFEST_JSON), 'utf8')) as GalleryManifest)
  const template = manifests[0]
  const keys = template.attacks.map((a) => a.key)
  const shape = template.dataset.shape as [number, number, number]
  const [h, w, c] = shape
  const sheet = new ContactSheet(sheetTitle(template), sheetColumns(template.attacks))
  const contactSheets: string[] = []
  let files = 0
  const copy = async (dir: string, name: string): Promise<Buffer> => {
    const bytes = await readFile(join(dir, name))
    await writeFileAtomic(join(out, name), bytes, { force })
    files += 1
    return bytes
  }
  const flush = async () => {
    if (sheet.rowCount === 0) return
    const name = contactSheetName(contactSheets.length + 1)
    await writeFileAtomic(join(out, name), await sheet.render(), { force })
    contactSheets.push(name)
    files += 1
  }
  const kept: ManifestRow[] = []
  const keptRows: GalleryRow[] = []
  for (const [b, batch] of batches.entries()) {
    const manifestRows = manifests[b].rows
    for (const [k, row] of batch.result.rows.entries()) {
      if (!passes(row, run)) continue
      const entry = manifestRows[k]
      if (entry?.index !== row.index)
        throw new Error(
          `${batch.dir} is damaged: its manifest does not list sample ${row.index} in place ${k}. Re-run that shard with --force`,
        )
      const original = await decodePng(await copy(batch.dir, entry.original_png), c)
      const adversarial: Record<string, Float32Array> = {}
      for (const key of keys) {
        await copy(batch.dir, entry.attacks[key].png)
        adversarial[key] = npyFloats(await copy(batch.dir, entry.attacks[key].npy), join(batch.dir, entry.attacks[key].npy))
      }
      sheet.add(
        sheetCells(
          entry,
          Float32Array.from(original, (v) => v / 255),
          adversarial,
          keys,
          shape,
        ),
      )
      if (sheet.rowCount >= DEFAULT_SHEET_ROWS) await flush()
      kept.push(entry)
      keptRows.push(row)
    }
  }
  await flush()

  const lostAfterPng = Object.fromEntries(
    keys.map((key) => [key, kept.filter((r) => r.attacks[key].success && !r.attacks[key].still_adversarial_after_png).length]),
  )
  const { defense, misclassifiedOnly } = template.selection.description as { defense: unknown; misclassifiedOnly: boolean }
  const manifest: GalleryManifest = {
    ...template,
    status: 'complete',
    started: shards.map((s) => s.record.started).sort()[0],
    updated: new Date().toISOString(),
    selection: {
      description: { ...record.selection, misclassifiedOnly, defense },
      requested: manifests.reduce((s, m) => s + m.selection.requested, 0),
    },
    filter: { only_all_fooled: run.onlyAllFooled, only_fooled_by: run.onlyFooledBy ?? null },
    counts: { processed: manifests.reduce((s, m) => s + m.counts.processed, 0), written: kept.length, lost_after_png: lostAfterPng },
    files: { contact_sheets: contactSheets, html: INDEX_HTML, csv: MANIFEST_CSV },
    rows: kept,
  }
  await writeFileAtomic(join(out, MANIFEST_JSON), `${JSON.stringify(manifest, null, 1)}\n`, { force })
  await writeFileAtomic(join(out, MANIFEST_CSV), manifestCsv(manifest), { force })
  await writeFileAtomic(join(out, INDEX_HTML), galleryHtml(manifest, sheetImageSize(h, w)[1]), { force })

  const all = batches.map((b) => b.result)
  return {
    n: all.reduce((s, r) => s + r.n, 0),
    cleanCorrect: all.reduce((s, r) => s + r.cleanCorrect, 0),
    perAttack: mergePerAttack(batches, keys),
    allFooledCount: all.reduce((s, r) => s + r.allFooledCount, 0),
    rows: keptRows,
    out,
    manifest: join(out, MANIFEST_JSON),
    written: kept.length,
    files,
    contactSheets,
    lostAfterPng,
  }
}
