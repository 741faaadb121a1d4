import { join } from 'node:path'
import { fingerprint } from '../data/fingerprint'
import { ensureWritableFolder } from '../export/atomic-write'
import type { GalleryManifest } from '../export/gallery-manifest'
import { CancelledError, type JobContext } from '../base/job-context'
import { APP_VERSION } from '../base/version'
import { INDEX_HTML, MANIFEST_CSV, MANIFEST_JSON, checkNoOverwrite } from './export-names'
import { GalleryExportWriter } from './export-writer'
import { prepareGallery, runGalleryBatches } from './gallery-batches'
import { rowsPartial } from './run-gallery'
import type { GalleryExportSummary as GalleryExportResult, GalleryRowsPartial } from '../../protocol/gallery'
import type { GalleryRequest, GallerySummary, PlannedAttack } from './types'
import { MARGIN_RULE } from '../../protocol/attacks'

/** Contact-sheet rows per PNG page, so long galleries give pages a viewer can open. */
export const DEFAULT_SHEET_ROWS = 50

export interface GalleryExportRequest extends GalleryRequest {
  /** Folder to write into (created if missing). */
  out: string
  /** Replace files of an earlier export in `out` (the user confirmed; CLI: --force). */
  force?: boolean
  /** Name of the TF.js backend that runs the job, recorded in the manifest. */
  backend: string
  /** How the samples were selected, as the caller describes it (recorded as is). */
  selection?: unknown
  /** Contact-sheet rows per page (default 50). */
  sheetRows?: number
}

export type { GalleryExportSummary as GalleryExportResult } from '../../protocol/gallery'

function initialManifest(request: GalleryExportRequest, plan: PlannedAttack[], datasetFingerprint: string): GalleryManifest {
  const { model, dataset } = request
  const now = new Date().toISOString()
  return {
    format: 'hfc-lab-gallery',
    format_version: 1,
    status: 'running',
    app: { name: 'HFC Lab', version: APP_VERSION },
    backend: request.backend,
    started: now,
    updated: now,
    seed: request.seed ?? 0,
    success_rule: MARGIN_RULE,
    model: {
      name: model.info.name,
      format: model.info.format,
      file: model.info.source,
      sha256: model.info.sha256,
      variant: model.info.variant,
      input_shape: [...model.info.inputShape],
      input_range: [...model.info.inputRange],
      ...(model.info.preprocessing && {
        preprocessing: {
          mean: model.info.preprocessing.mean,
          std: model.info.preprocessing.std,
          channel_order: model.info.preprocessing.channelOrder,
          layout: model.info.preprocessing.layout,
          sidecar: model.info.preprocessing.sidecar ?? null,
        },
      }),
      files: model.info.files ?? [],
    },
    dataset: {
      name: dataset.info.name,
      format: dataset.info.format,
      source: dataset.info.source,
      count: dataset.info.count,
      shape: [...dataset.info.shape],
      fingerprint: datasetFingerprint,
      classes: dataset.info.classes,
    },
    selection: { description: request.selection ?? null, requested: request.indices.length },
    filter: { only_all_fooled: request.onlyAllFooled ?? false, only_fooled_by: request.onlyFooledBy ?? null },
    attacks: plan.map((a) => ({ key: a.key, id: a.id, label: a.label, params: a.params })),
    counts: { processed: 0, written: 0, lost_after_png: Object.fromEntries(plan.map((a) => [a.key, 0])) },
    files: { contact_sheets: [], html: INDEX_HTML, csv: MANIFEST_CSV },
    rows: [],
  }
}

/**
 * Runs the gallery and exports it into `request.out`: per sample `<index>_original.png` and per
 * attack `<index>_<attack>.png` and `.npy` (float32 H×W×C, the exact adversarial), paged contact
 * sheets `contact-sheet-NNN.png` (the Appendix C figure), `index.html`, `manifest.json` and
 * `manifest.csv`. Every PNG is re-read and re-classified (still_adversarial_after_png). Refuses to
 * replace existing files unless `force`. Writes batch by batch; memory holds one batch of images,
 * one contact-sheet page and the manifest rows. When cancelled or failing, it finishes the
 * manifest (status 'cancelled' / 'failed', listing exactly the samples written) and rethrows.
 */
export async function exportGallery(request: GalleryExportRequest, ctx: JobContext<GalleryRowsPartial>): Promise<GalleryExportResult> {
  const sheetRows = request.sheetRows ?? DEFAULT_SHEET_ROWS
  if (!Number.isInteger(sheetRows) || sheetRows < 1)
    throw new RangeError(`sheetRows must be a whole number of at least 1, got ${sheetRows}`)
  const plan = prepareGallery(request)
  // Before any attack runs: an out that is a file, an earlier export, or a folder that cannot take
  // files fails now, not after minutes of work.
  checkNoOverwrite(
    request.out,
    request.indices,
    plan.map((a) => a.key),
    request.force ?? false,
  )
  await ensureWritableFolder(request.out)
  const manifest = initialManifest(request, plan, await fingerprint(request.dataset))
  const writer = new GalleryExportWriter(request.out, request.force ?? false, manifest, plan, request.model, request.dataset, sheetRows)
  await writer.writeIndexFiles('running')
  let summary: GallerySummary
  try {
    ;({ summary } = await runGalleryBatches(request, ctx, async (batch) => {
      ctx.progress(batch.offset + batch.indices.length, request.indices.length, 'write files')
      await writer.writeBatch(batch)
      ctx.partial(rowsPartial(batch, request, batch.offset + batch.indices.length))
    }))
    await writer.flushSheet()
  } catch (error) {
    // The manifest must end up describing what is on disk; if even that write fails (a full
    // disk), the original error is the one worth reporting.
    try {
      await writer.flushSheet()
      await writer.writeIndexFiles(error instanceof CancelledError ? 'cancelled' : 'failed')
    } catch {
      throw error
    }
    throw error
  }
  await writer.writeIndexFiles('complete')
  return {
    ...summary,
    out: request.out,
    manifest: join(request.out, MANIFEST_JSON),
    written: manifest.counts.written,
    files: writer.filesWritten,
    contactSheets: [...writer.contactSheets],
    lostAfterPng: { ...manifest.counts.lost_after_png },
  }
}
