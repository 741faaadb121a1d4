import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDefaultDataset, type Dataset } from '../../../../src-main/engine/data'
import type { GalleryAttack, GalleryRowsPartial } from '../../../../src-main/engine/gallery'
import type { JobContext } from '../../../../src-main/engine/base/job-context'
import { type LoadedModel } from '../../../../src-main/engine/models'
import { openDefaultModel } from '../../../../src-main/engine/loaders'

/**
 * The three attacks of the paper's Appendix C, with small budgets so the tests stay quick. HF may
 * go down to r = 1, below its default r_min: the default model resists blurring to r ≈ 1.4 on most digits.
 */
export const APPENDIX_C_ATTACKS: GalleryAttack[] = [
  { id: 'hf', params: { rMin: 1 } },
  { id: 'salt-pepper', params: { epsilons: 40, repetitions: 2 } },
  { id: 'single-pixel', params: { maxPixels: 60 } },
]

export interface GalleryFixture {
  model: LoadedModel
  dataset: Dataset
  /**
   * Eight MNIST test digits: 18 and 63 are fooled by all three attacks, 61 resists salt & pepper
   * and single pixel, 62 is misclassified (a 9 read as 5).
   */
  indices: Int32Array
}

/** The embedded default MNIST model (the paper's CNN) and data set. */
export async function openFixture(): Promise<GalleryFixture> {
  return {
    model: await openDefaultModel('mnist'),
    dataset: await openDefaultDataset('mnist'),
    indices: Int32Array.from([2, 9, 18, 36, 40, 61, 62, 63]),
  }
}

/** A job context that records every gallery-rows partial and can cancel after the n-th one. */
export function recordingContext(cancelAfterPartials = Infinity): { ctx: JobContext; partials: GalleryRowsPartial[] } {
  const controller = new AbortController()
  const partials: GalleryRowsPartial[] = []
  const ctx: JobContext = {
    signal: controller.signal,
    progress: () => {},
    partial: (data) => {
      partials.push(data as GalleryRowsPartial)
      if (partials.length >= cancelAfterPartials) controller.abort()
    },
  }
  return { ctx, partials }
}

const roots: string[] = []

/** A not-yet-existing folder inside a fresh temp directory (removed by removeTempFolders). */
export function tempFolder(name: string): string {
  const root = mkdtempSync(join(tmpdir(), 'hfc-gallery-'))
  roots.push(root)
  return join(root, name)
}

export function removeTempFolders(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
}
