import type { BrokenImage } from '../../protocol/data'
import { LabError } from '../base/errors'
import type { Dataset } from './dataset'

/**
 * uint8 NHWC pixels of the given images for the grid. One file that cannot be decoded must not
 * blank a whole page: the page is then read image by image (the good ones are cached by now), the
 * broken ones left black and reported beside the pixels.
 */
export async function readThumbnails(
  dataset: Dataset,
  indices: number[],
): Promise<{ shape: [number, number, number]; bytes: Uint8Array; broken: BrokenImage[] }> {
  const shape = dataset.info.shape
  try {
    return { shape, bytes: await dataset.readBytes(indices), broken: [] }
  } catch (error) {
    if (!(error instanceof LabError) || error.code !== 'DATA_IMAGE') throw error
  }
  const size = shape[0] * shape[1] * shape[2]
  const bytes = new Uint8Array(indices.length * size)
  const broken: BrokenImage[] = []
  for (const [k, index] of indices.entries()) {
    try {
      bytes.set(await dataset.readBytes([index]), k * size)
    } catch (error) {
      if (!(error instanceof LabError) || error.code !== 'DATA_IMAGE') throw error
      broken.push({ index, file: error.detail, message: error.message })
    }
  }
  return { shape, bytes, broken }
}
