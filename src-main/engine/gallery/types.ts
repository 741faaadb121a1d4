import type { Dataset } from '../data/dataset'
import type { Classifier } from '../models/classifier'

/** One attack column of a gallery. */
export interface GalleryAttack {
  /** Attack id from listAttacks(): 'hf', 'fgsm', 'pgd', 'deepfool', 'cw', 'single-pixel', 'salt-pepper'. */
  id: string
  /** The attack's parameters; missing ones take the defaults of docs/algorithms.md §Attacks, a missing seed takes the run's seed. */
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

export type {
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
} from '../../protocol/gallery'
