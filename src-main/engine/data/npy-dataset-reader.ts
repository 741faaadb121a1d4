import { join } from 'node:path'
import { LabError } from '../base/errors'
import type { DatasetReader } from './dataset-reader'
import { looksLikeNpy } from './npy-format'
import { arraysIn, isNpyName, isNpzName } from './npy-arrays'
import { isImageArray, openNpy } from './npy-reader'
import { isImageName } from './image-sniff'
import { chooseSplit } from './split-choice'
import { nameOf } from './probe'

const isNumpyName = (name: string) => isNpyName(name) || isNpzName(name)

/** In a folder of NumPy files, the one holding the images of the requested split. */
async function imagesFileIn(folder: string, entries: string[], split?: 'train' | 'test'): Promise<string> {
  const withImages: string[] = []
  for (const name of entries.filter(isNumpyName)) {
    const arrays = await arraysIn(join(folder, name)).catch(() => [])
    if (arrays.some(isImageArray)) withImages.push(name)
  }
  const [chosen] = chooseSplit(withImages, (n) => n, split)
  if (!chosen) {
    throw new LabError(
      'DATA_PAIR',
      `${folder} holds no NumPy ${split ? split + ' ' : ''}images array (N,H,W or N,H,W,C or N,C,H,W). Choose the .npy or .npz file itself.`,
      folder,
    )
  }
  return join(folder, chosen)
}

export const npyReader: DatasetReader = {
  format: 'npy',
  description: 'NumPy .npy/.npz images (uint8 or float, NHWC or NCHW) with a labels array',
  matches(probe) {
    if (probe.isFolder) return probe.entries.some(isNumpyName) && !probe.entries.some(isImageName)
    return looksLikeNpy(probe.head) || isNumpyName(nameOf(probe))
  },
  async open(probe, options) {
    return openNpy(probe.isFolder ? await imagesFileIn(probe.path, probe.entries, options.split) : probe.path, options)
  },
}
