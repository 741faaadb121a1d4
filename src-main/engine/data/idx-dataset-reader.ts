import type { DatasetReader } from './dataset-reader'
import { looksLikeIdx } from './idx-format'
import { findIdxPair, isIdxImagesName, isIdxLabelsName } from './idx-pair'
import { openIdxPair } from './idx-reader'
import { nameOf } from './probe'
import { splitsIn } from './split-choice'

export const idxReader: DatasetReader = {
  format: 'idx',
  description: 'IDX images + labels pair, gzipped or not (MNIST, Fashion-MNIST, EMNIST, KMNIST)',
  matches(probe) {
    if (probe.isFolder) return probe.entries.some((e) => isIdxImagesName(e) || isIdxLabelsName(e))
    const name = nameOf(probe)
    return looksLikeIdx(probe.head) || isIdxImagesName(name) || isIdxLabelsName(name)
  },
  open(probe, options) {
    const isLabels = looksLikeIdx(probe.head) ? probe.head[3] === 1 : isIdxLabelsName(nameOf(probe))
    return openIdxPair(findIdxPair(probe.path, probe.isFolder, isLabels ? 'labels' : 'images', options.split), options)
  },
  splits(probe) {
    return probe.isFolder ? splitsIn(probe.entries.filter(isIdxImagesName)) : []
  },
}
