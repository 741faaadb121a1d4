import type { GalleryManifest } from '../../protocol/gallery-manifest'

export type { ExportStatus, GalleryManifest, ManifestAttack, ManifestAttackEntry, ManifestRow } from '../../protocol/gallery-manifest'

const CSV_COLUMNS = [
  'sample_id',
  'source_file',
  'source_index',
  'index',
  'true_label',
  'true_class',
  'clean_prediction',
  'clean_class',
  'clean_confidence',
  'attack',
  'attack_id',
  'attack_params',
  'success',
  'margin',
  'prediction',
  'predicted_class',
  'confidence',
  'l2',
  'linf',
  'queries',
  'extra',
  'png',
  'npy',
  'png_prediction',
  'png_confidence',
  'still_adversarial_after_png',
  'seed',
  'model_file',
  'model_sha256',
  'model_variant',
  'dataset',
  'dataset_fingerprint',
  'app_version',
  'backend',
  'date',
] as const

function csvField(value: unknown): string {
  const text = typeof value === 'string' ? value : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** manifest.csv: a header and one line per sample × attack, with the run's metadata on every line. */
export function manifestCsv(manifest: GalleryManifest): string {
  const lines = [CSV_COLUMNS.join(',')]
  for (const row of manifest.rows) {
    for (const attack of manifest.attacks) {
      const a = row.attacks[attack.key]
      const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
        sample_id: row.sample_id,
        source_file: row.source_file,
        source_index: row.source_index,
        index: row.index,
        true_label: row.true_label,
        true_class: row.true_class,
        clean_prediction: row.clean.prediction,
        clean_class: row.clean.predicted_class,
        clean_confidence: row.clean.confidence,
        attack: attack.key,
        attack_id: attack.id,
        attack_params: attack.params,
        success: a.success,
        margin: a.margin,
        prediction: a.prediction,
        predicted_class: a.predicted_class,
        confidence: a.confidence,
        l2: a.l2,
        linf: a.linf,
        queries: a.queries,
        extra: a.extra,
        png: a.png,
        npy: a.npy,
        png_prediction: a.png_prediction,
        png_confidence: a.png_confidence,
        still_adversarial_after_png: a.still_adversarial_after_png,
        seed: manifest.seed,
        model_file: manifest.model.file,
        model_sha256: manifest.model.sha256,
        model_variant: manifest.model.variant,
        dataset: manifest.dataset.name,
        dataset_fingerprint: manifest.dataset.fingerprint,
        app_version: manifest.app.version,
        backend: manifest.backend,
        date: manifest.started,
      }
      lines.push(CSV_COLUMNS.map((c) => csvField(values[c])).join(','))
    }
  }
  return `${lines.join('\n')}\n`
}
