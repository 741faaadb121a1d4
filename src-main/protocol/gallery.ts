import { z } from 'zod'
import { job } from './define'
import { writeFolderPath } from './paths'
import { defenseSchema } from './models'
import { selectionFields } from './selection'
import type { Prediction } from './spectral'

export type { Prediction }

export interface AttackOutcome extends Prediction {
  /** The attack's own verdict: the prediction on the adversarial differs from the true label. */
  success: boolean
  /** z_y − max_{j≠y} z_j of the model on x_adv; success requires it below −MARGIN_TAU (protocol/attacks). */
  margin: number
  /** ‖x_adv − x‖₂ and ‖x_adv − x‖∞ on the [0, 1] pixel scale. */
  l2: number
  linf: number
  queries: number
  /** Attack-specific values for this sample (e.g. the HF radius); null where not applicable. */
  extra: Record<string, number | null>
}

/** One sample of the gallery, without pixels. */
export interface GalleryRow {
  /** Index of the sample in the data set. */
  index: number
  /** True label. */
  label: number
  clean: Prediction
  cleanCorrect: boolean
  /** Per attack key. */
  attacks: Record<string, AttackOutcome>
  /** The model got the clean sample right and every attack fooled it (Appendix C). */
  allFooled: boolean
}

/**
 * Display pixels of one image, HWC. 'float32': the exact values in [0, 1] (images up to 64×64);
 * 'uint8': a thumbnail of at most 64 px a side (larger images).
 */
export interface DisplayImage {
  shape: [number, number, number]
  encoding: 'float32' | 'uint8'
  data: Float32Array | Uint8Array
}

export interface AttackPixels {
  adversarial: DisplayImage
  /** 0.5 + factor · (x_adv − x), clipped to [0, 1]: mid-grey where nothing changed. */
  perturbation: DisplayImage
  /** The amplification of `perturbation`, to state beside it. */
  factor: number
  /** log(1 + |F(x_adv − x)|), centred, averaged over channels and scaled to [0, 1] by its maximum (one channel). */
  spectrum: DisplayImage
}

export interface RowPixels {
  original: DisplayImage
  attacks: Record<string, AttackPixels>
}

export interface GalleryRowWithPixels extends GalleryRow {
  pixels: RowPixels
}

/** What runGallery and exportGallery stream through ctx.partial after every batch. */
export interface GalleryRowsPartial {
  type: 'gallery-rows'
  rows: GalleryRowWithPixels[]
  /** Samples processed so far (shown or filtered out) and in all. */
  done: number
  total: number
}

export interface AttackSummary {
  label: string
  params: Record<string, unknown>
  /** Share of all samples where the attack succeeded (Foolbox's convention: misclassified ones count). */
  successRate: number
  /** Samples the model got right that the attack fooled. */
  fooled: number
  /** Medians over the fooled samples; null when there are none. */
  medianL2: number | null
  medianLinf: number | null
  meanQueries: number
  /**
   * Mean radial energy profile of x_adv − x over the successful samples (docs/algorithms.md §Beyond the paper), normalised to
   * sum 1; index ρ is the ring ⌊d⌋ = ρ around the centred DC bin. All zeros when nothing changed.
   */
  spectrum: number[]
}

export interface GallerySummary {
  /** Samples processed. */
  n: number
  /** Samples the model got right. */
  cleanCorrect: number
  perAttack: Record<string, AttackSummary>
  allFooledCount: number
  /** The rows that passed the filter, without pixels. */
  rows: GalleryRow[]
}

export interface GalleryExportSummary extends GallerySummary {
  out: string
  manifest: string
  /** Samples whose files were written (those that passed the filter). */
  written: number
  /** Files written, contact sheets included, manifest and index not counted. */
  files: number
  contactSheets: string[]
  /** Per attack key: successes whose re-read 8-bit PNG no longer fools the model. */
  lostAfterPng: Record<string, number>
}

const id = z.string().min(1).max(64)

export const galleryAttackSchema = z
  .object({
    id: z.string().min(1).max(32),
    params: z.record(z.unknown()).default({}),
    key: z
      .string()
      .regex(/^[a-z0-9-]{1,32}$/)
      .optional(),
  })
  .strict()

const galleryFields = {
  modelId: id,
  datasetId: id,
  defense: defenseSchema.default({ kind: 'none' }),
  attacks: z.array(galleryAttackSchema).min(1).max(8),
  /** Only samples the model gets wrong (before any attack). */
  misclassifiedOnly: z.boolean().default(false),
  onlyAllFooled: z.boolean().default(false),
  onlyFooledBy: z.string().max(32).optional(),
  batchSize: z.number().int().min(1).max(1024).default(32),
  ...selectionFields,
}

export const galleryMethods = {
  'gallery.run': job(
    z.object(galleryFields).strict(),
    'Runs every chosen attack on every selected sample; rows stream in with display pixels.',
  ).returns<GallerySummary, GalleryRowsPartial>(),
  'gallery.export': job(
    z
      .object({
        ...galleryFields,
        out: writeFolderPath(),
        force: z.boolean().default(false),
        sheetRows: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    'Writes PNG + float32 .npy per sample and attack, contact sheets, index.html and manifest.json/.csv; re-checks every PNG.',
  ).returns<GalleryExportSummary, GalleryRowsPartial>(),
}
