import type { Dataset } from '../data/dataset'
import type { Classifier } from '../models/classifier'

/** One attack column of a gallery. */
export interface GalleryAttack {
  /** Attack id from listAttacks(): 'hf', 'fgsm', 'pgd', 'deepfool', 'cw', 'single-pixel', 'salt-pepper'. */
  id: string
  /** The attack's parameters; missing ones take the SPEC defaults, a missing seed takes the run's seed. */
  params?: Record<string, unknown>
  /**
   * Column name, also used in file names (lower-case letters, digits, '-'); defaults to the id.
   * Needed only to run the same attack twice with different parameters.
   */
  key?: string
}

export interface GalleryRequest {
  /** The classifier under attack, possibly a defended variant (withD1, D2 kernels). */
  model: Classifier
  dataset: Dataset
  /** Data-set indices of the samples, already selected (first N, random N, one class, misclassified). */
  indices: Int32Array
  attacks: GalleryAttack[]
  /** Seed given to every seeded attack whose params name none (default 0). */
  seed?: number
  /** Samples attacked together (default 32); per-sample results do not depend on it. */
  batchSize?: number
  /** Keep only samples the model got right and every attack fooled (the paper's Appendix C selection). */
  onlyAllFooled?: boolean
  /** Keep only samples the model got right and this attack (its key) fooled. */
  onlyFooledBy?: string
}

/** An attack of the run with its parameters validated and defaults filled in. */
export interface PlannedAttack {
  key: string
  id: string
  label: string
  params: Record<string, unknown>
}

export interface Prediction {
  label: number
  /** Softmax probability of `label`. */
  confidence: number
}

export interface AttackOutcome extends Prediction {
  /** The attack's own verdict: the prediction on the adversarial differs from the true label. */
  success: boolean
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
   * Mean radial energy profile of x_adv − x over the successful samples (SPEC §11), normalised to
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
