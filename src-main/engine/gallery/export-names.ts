import { existsSync, readdirSync, statSync } from 'node:fs'
import { MANIFEST_JSON } from '../../protocol/gallery-manifest'
import { LabError } from '../base/errors'

export { MANIFEST_JSON }
export const MANIFEST_CSV = 'manifest.csv'
export const INDEX_HTML = 'index.html'
const SHEET_PATTERN = /^contact-sheet-\d{3,}\.png$/

/** File stem of a sample: its data-set index, zero-padded so the files sort in index order. */
export function sampleStem(index: number): string {
  return String(index).padStart(6, '0')
}

export function originalPng(index: number): string {
  return `${sampleStem(index)}_original.png`
}

export function attackFile(index: number, key: string, extension: 'png' | 'npy'): string {
  return `${sampleStem(index)}_${key}.${extension}`
}

export function contactSheetName(page: number): string {
  return `contact-sheet-${String(page).padStart(3, '0')}.png`
}

/**
 * Refuses, before any work, an export that would replace files already in `out` (the manifest,
 * the index, contact sheets, or any sample's images), unless the user confirmed with force.
 */
export function checkNoOverwrite(out: string, indices: Int32Array, keys: string[], force: boolean): void {
  if (!existsSync(out)) return
  if (!statSync(out).isDirectory()) throw new LabError('GALLERY_OUT', `${out} is a file. Choose a folder to export the gallery into.`, out)
  if (force) return
  const present = new Set(readdirSync(out))
  const clashes: string[] = [MANIFEST_JSON, MANIFEST_CSV, INDEX_HTML].filter((f) => present.has(f))
  for (const f of present) if (SHEET_PATTERN.test(f)) clashes.push(f)
  for (const index of indices) {
    for (const f of [originalPng(index), ...keys.flatMap((k) => [attackFile(index, k, 'png'), attackFile(index, k, 'npy')])]) {
      if (present.has(f)) clashes.push(f)
    }
  }
  if (clashes.length) {
    const shown = clashes.slice(0, 3).join(', ')
    throw new LabError(
      'EXISTS',
      `${out} already holds ${clashes.length} file(s) this export would replace (${shown}${clashes.length > 3 ? ', …' : ''}). Choose an empty folder, or confirm overwriting (CLI: --force).`,
      out,
    )
  }
}
