import type { ImageShape } from '../data/dataset'
import { sheetImage, type CaptionLine, type SheetCell } from '../export/contact-sheet'
import type { GalleryManifest, ManifestRow } from '../export/gallery-manifest'

/** Header characters that fit the narrowest sheet column. */
const SHEET_HEADER_CHARS = 15

const percent = (p: number) => `${(p * 100).toFixed(1)}%`

/** "3" for digit classes, "3 cat" where the class has a name. */
function labelText(label: number, name: string): string {
  return name === String(label) ? name : `${label} ${name}`
}

export function sheetTitle(manifest: GalleryManifest): string {
  return `HFC LAB: ${manifest.model.name}${manifest.model.variant ? ` [${manifest.model.variant}]` : ''} ON ${manifest.dataset.name}`
}

/** Column headers: the original, then each attack (long labels such as "High Frequency (HF)" give way to the key). */
export function sheetColumns(attacks: { key: string; label: string }[]): string[] {
  return ['original', ...attacks.map((a) => (a.label.length <= SHEET_HEADER_CHARS ? a.label : a.key))]
}

/**
 * One contact-sheet row from a manifest row and the sample's pixels (float [0, 1] HWC): the
 * original with its label and clean prediction, then each attack's image with its prediction,
 * distances and verdict. Depends on nothing else, so a merge of exported shards draws the same row.
 */
export function sheetCells(
  row: ManifestRow,
  clean: Float32Array,
  adversarial: Record<string, Float32Array>,
  keys: string[],
  shape: ImageShape,
): SheetCell[] {
  const [h, w, c] = shape
  const original: SheetCell = {
    image: sheetImage(clean, h, w, c),
    lines: [
      { text: `#${row.index} y=${labelText(row.true_label, row.true_class)}` },
      {
        text: `p=${labelText(row.clean.prediction, row.clean.predicted_class)} ${percent(row.clean.confidence)}`,
        tone: row.clean.prediction === row.true_label ? 'text' : 'bad',
      },
    ],
  }
  const cleanRight = row.clean.prediction === row.true_label
  const attacks = keys.map((key): SheetCell => {
    const e = row.attacks[key]
    const verdict: CaptionLine = !e.success
      ? { text: 'not fooled', tone: 'muted' }
      : !cleanRight
        ? { text: 'clean wrong', tone: 'muted' }
        : e.still_adversarial_after_png
          ? { text: 'fooled', tone: 'good' }
          : { text: 'fooled, png lost', tone: 'bad' }
    return {
      image: sheetImage(adversarial[key], h, w, c),
      lines: [
        { text: `p=${labelText(e.prediction, e.predicted_class)} ${percent(e.confidence)}` },
        { text: `L2 ${e.l2.toFixed(3)}` },
        { text: `Linf ${e.linf.toFixed(3)}` },
        verdict,
      ],
    }
  })
  return [original, ...attacks]
}
