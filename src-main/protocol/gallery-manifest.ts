/**
 * The manifest of an exported gallery (manifest.json, and manifest.csv with one line per sample
 * and attack). Keys are snake_case so that the JSON, the CSV header and the columns people use
 * in pandas or a spreadsheet read the same.
 */

export type ExportStatus = 'running' | 'complete' | 'cancelled' | 'failed'

export interface ManifestAttack {
  key: string
  id: string
  label: string
  /** Validated parameters, defaults filled in (the seed included for seeded attacks). */
  params: Record<string, unknown>
}

export interface ManifestAttackEntry {
  prediction: number
  predicted_class: string
  confidence: number
  success: boolean
  /** The model's logit margin z_y − max_{j≠y} z_j on the adversarial; success needs it below −`success_rule`'s τ. */
  margin: number
  l2: number
  linf: number
  queries: number
  extra: Record<string, number | null>
  png: string
  npy: string
  /** The model's prediction on the PNG as re-read from disk (8-bit). */
  png_prediction: number
  png_confidence: number
  /** The attack succeeded and the re-read 8-bit PNG still fools the model. */
  still_adversarial_after_png: boolean
}

export interface ManifestRow {
  /** The sample's file stem in this folder (its data-set index, zero-padded). */
  sample_id: string
  /** The file the sample was read from (for record files, the file that holds all of them). */
  source_file: string
  /** Position of the sample in `source_file` (0 for a file per image). */
  source_index: number
  /** Index of the sample in the data set. */
  index: number
  true_label: number
  true_class: string
  clean: { prediction: number; predicted_class: string; confidence: number }
  original_png: string
  attacks: Record<string, ManifestAttackEntry>
}

export interface GalleryManifest {
  format: 'hfc-lab-gallery'
  format_version: 1
  /** 'running' while the export writes; 'cancelled' or 'failed' list exactly what was written. */
  status: ExportStatus
  app: { name: string; version: string }
  backend: string
  started: string
  updated: string
  seed: number
  /** When an attack counts as successful (the logit-margin rule, in words). */
  success_rule: string
  model: {
    name: string
    format: string
    file: string
    sha256: string
    variant: string
    input_shape: number[]
    input_range: number[]
    /** The model's preprocessing besides the range (README "Preprocessing"): applied inside the model. */
    preprocessing?: { mean: number[]; std: number[]; channel_order: 'rgb' | 'bgr'; layout: 'nhwc' | 'nchw'; sidecar: string | null }
    files: { path: string; bytes: number; sha256: string }[]
  }
  dataset: { name: string; format: string; source: string; count: number; shape: number[]; fingerprint: string; classes: string[] }
  /** How the samples were chosen (as the caller described it) and how many were requested. */
  selection: { description: unknown; requested: number }
  filter: { only_all_fooled: boolean; only_fooled_by: string | null }
  attacks: ManifestAttack[]
  counts: {
    processed: number
    written: number
    /** Per attack key: successes whose 8-bit PNG no longer fools the model. */
    lost_after_png: Record<string, number>
  }
  files: { contact_sheets: string[]; html: string; csv: string }
  rows: ManifestRow[]
}

/** The manifest's file name in an exported gallery folder. */
export const MANIFEST_JSON = 'manifest.json'
