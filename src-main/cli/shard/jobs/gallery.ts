import type { GalleryExportSummary, GallerySummary } from '../../../protocol/gallery'
import type { Defense } from '../../../protocol/models'
import { printJson } from '../../engine'
import { mergeGallery } from './gallery-merge'
import type { CommandOutputs } from './types'

/**
 * What a gallery shard runs with, recorded in shard.json. Shards export every sample (no
 * only-all-fooled/only-fooled-by filter), so that the merge has every sample's outcome for the
 * summary and applies the filter itself when it copies files.
 */
export interface GalleryRunOptions {
  attacks: { id: string; params: Record<string, unknown> }[]
  defense: Defense
  misclassifiedOnly: boolean
  onlyAllFooled: boolean
  onlyFooledBy?: string
}

export function printGallery(result: GalleryExportSummary, json: boolean): void {
  if (json) return printJson({ ...result, rows: undefined })
  console.log(`${result.n} samples, ${result.written} written to ${result.out} (${result.allFooledCount} fooled by every attack)`)
  for (const [key, a] of Object.entries(result.perAttack)) {
    console.log(
      `  ${key.padEnd(12)} success ${(a.successRate * 100).toFixed(1)}%  median L2 ${a.medianL2?.toFixed(4) ?? '-'}  lost after PNG: ${result.lostAfterPng[key] ?? 0}`,
    )
  }
}

/** A gallery batch keeps its exported files in its folder and the summary of all its samples. */
export function galleryBatchResult({ n, cleanCorrect, perAttack, allFooledCount, rows }: GallerySummary): GallerySummary {
  return { n, cleanCorrect, perAttack, allFooledCount, rows }
}

export const galleryOutputs: CommandOutputs<GallerySummary, GalleryExportSummary> = {
  merge: (batches, context) => mergeGallery(batches, context),
  print: (result, { json }) => printGallery(result, json),
}
