import { join } from 'node:path'
import { LabError } from '../base/errors'
import type { DatasetReader } from './dataset-reader'
import type { DatasetProbe } from './probe'
import { nameOf } from './probe'
import { cifarKindOf, isCifar100Name, isCifar10Name } from './cifar-format'
import { openCifar } from './cifar-reader'
import { chooseSplit, splitsIn } from './split-choice'

function isBin(probe: DatasetProbe): boolean {
  return !probe.isFolder && nameOf(probe).endsWith('.bin')
}

/** The batches of the requested split in a CIFAR-10 folder: test_batch.bin, or data_batch_1..5.bin together. */
function cifar10Files(probe: DatasetProbe, split?: 'train' | 'test'): string[] {
  const wanted = chooseSplit(probe.entries.filter(isCifar10Name), (b) => b, split)
  if (wanted.length === 0) {
    throw new LabError(
      'DATA_PAIR',
      `${probe.path} holds no CIFAR-10 ${split ?? ''} batch. Choose a folder with data_batch_N.bin or test_batch.bin files.`,
      probe.path,
    )
  }
  return wanted.map((b) => join(probe.path, b))
}

export const cifar10Reader: DatasetReader = {
  format: 'cifar10-bin',
  description: 'CIFAR-10 binary batches (data_batch_N.bin, test_batch.bin, batches.meta.txt)',
  matches(probe) {
    if (probe.isFolder) return probe.entries.some(isCifar10Name)
    return isBin(probe) && cifarKindOf(probe.path, probe.size) === 10
  },
  open(probe, options) {
    return openCifar(probe.isFolder ? cifar10Files(probe, options.split) : [probe.path], 10, options)
  },
  splits(probe) {
    return probe.isFolder ? splitsIn(probe.entries.filter(isCifar10Name)) : []
  },
}

export const cifar100Reader: DatasetReader = {
  format: 'cifar100-bin',
  description: 'CIFAR-100 binary (train.bin, test.bin with coarse + fine labels)',
  matches(probe) {
    if (probe.isFolder) return probe.entries.some(isCifar100Name)
    return isBin(probe) && cifarKindOf(probe.path, probe.size) === 100
  },
  open(probe, options) {
    if (!probe.isFolder) return openCifar([probe.path], 100, options)
    const [file] = chooseSplit(probe.entries.filter(isCifar100Name), (n) => n, options.split)
    if (!file) {
      throw new LabError(
        'DATA_PAIR',
        `${probe.path} holds no CIFAR-100 ${options.split} file. Choose a folder with train.bin or test.bin.`,
        probe.path,
      )
    }
    return openCifar([join(probe.path, file)], 100, options)
  },
  splits(probe) {
    return probe.isFolder ? splitsIn(probe.entries.filter(isCifar100Name)) : []
  },
}
