import type { GalleryExportSummary } from '../../../protocol/gallery'
import { printJson } from '../../engine'

export function printGallery(result: GalleryExportSummary, json: boolean): void {
  if (json) return printJson({ ...result, rows: undefined })
  console.log(`${result.n} samples, ${result.written} written to ${result.out} (${result.allFooledCount} fooled by every attack)`)
  for (const [key, a] of Object.entries(result.perAttack)) {
    console.log(
      `  ${key.padEnd(12)} success ${(a.successRate * 100).toFixed(1)}%  median L2 ${a.medianL2?.toFixed(4) ?? '-'}  lost after PNG: ${result.lostAfterPng[key] ?? 0}`,
    )
  }
}
