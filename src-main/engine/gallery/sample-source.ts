import type { Dataset } from '../data/dataset'

/** Image-folder data sets expose their image files in index order. */
interface WithFiles {
  files?: readonly string[]
}

/**
 * Where a sample came from: its own file for a folder of images (index 0 in it), otherwise the
 * file or folder the data set was opened from and the sample's index there.
 */
export function sampleSource(dataset: Dataset, index: number): { file: string; index: number } {
  const files = (dataset as WithFiles).files
  if (dataset.info.format === 'image-folder' && files && files.length === dataset.info.count) return { file: files[index], index: 0 }
  return { file: dataset.info.source, index }
}
