/**
 * Adversarial galleries (the paper's Appendix C): every selected sample under every chosen attack,
 * streamed to the grid batch by batch with display pixels, per-attack statistics and perturbation
 * spectra; and the batch export to PNG, float32 .npy, contact sheets, index.html and manifests.
 */
export type {
  GalleryAttack,
  GalleryRequest,
  PlannedAttack,
  Prediction,
  AttackOutcome,
  GalleryRow,
  DisplayImage,
  AttackPixels,
  RowPixels,
  GalleryRowWithPixels,
  GalleryRowsPartial,
  AttackSummary,
  GallerySummary,
} from './types'
export { runGallery } from './run-gallery'
export { exportGallery, DEFAULT_SHEET_ROWS, type GalleryExportRequest, type GalleryExportResult } from './export-gallery'
export { DEFAULT_GALLERY_BATCH, prepareGallery } from './gallery-batches'
export { misclassifiedIndices } from './misclassified'
export { amplification, DISPLAY_MAX_SIDE } from './display-pixels'
export type { GalleryManifest, ManifestRow, ManifestAttackEntry, ManifestAttack, ExportStatus } from '../export/gallery-manifest'
export { sheetCells, sheetColumns, sheetTitle } from './sheet-cells'
export { INDEX_HTML, MANIFEST_CSV, MANIFEST_JSON, contactSheetName } from './export-names'
