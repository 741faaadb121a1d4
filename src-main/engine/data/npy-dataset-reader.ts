import type { DatasetReader } from './dataset-reader'
import { looksLikeNpy } from './npy-format'
import { isNpyName, isNpzName } from './npy-arrays'
import { openNpy } from './npy-reader'
import { nameOf } from './probe'

export const npyReader: DatasetReader = {
  format: 'npy',
  description: 'NumPy .npy/.npz images (uint8 or float, NHWC or NCHW) with a labels array',
  matches(probe) {
    if (probe.isFolder) return false
    return looksLikeNpy(probe.head) || isNpyName(nameOf(probe)) || isNpzName(nameOf(probe))
  },
  open(probe, options) {
    return openNpy(probe.path, options)
  },
}
