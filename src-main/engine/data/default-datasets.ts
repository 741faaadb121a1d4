import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { LabError } from '../base/errors'
import { resourcesDir } from '../base/resources-path'
import type { Dataset } from './dataset'
import type { OpenOptions } from './open-options'
import { openDataset } from './registry'

/** An embedded data set subset shipped in resources/datasets (made by scripts/make-default-datasets.ts). */
export interface DefaultDatasetEntry {
  id: string
  name: string
  description: string
  /** The folder it opens from. */
  path: string
  format: string
  count: number
}

/** The data set the app opens when the user has chosen none. */
export const DEFAULT_DATASET_ID = 'mnist'

const ENTRIES: Omit<DefaultDatasetEntry, 'path'>[] = [
  {
    id: 'mnist',
    name: 'MNIST test (first 1,000)',
    description: 'The first 1,000 digits of the official MNIST test set, 28x28 gray, IDX gzipped.',
    format: 'idx',
    count: 1000,
  },
  {
    id: 'fashion-mnist',
    name: 'Fashion-MNIST test (first 1,000)',
    description: 'The first 1,000 images of the Fashion-MNIST test set, 28x28 gray, IDX gzipped.',
    format: 'idx',
    count: 1000,
  },
  {
    id: 'cifar10',
    name: 'CIFAR-10 test (1,000, 100 per class)',
    description: 'CIFAR-10 test images, 32x32 RGB, as a CIFAR-10 binary batch; from JPEG copies, so they carry JPEG artifacts.',
    format: 'cifar10-bin',
    count: 1000,
  },
  {
    id: 'imagenet-samples',
    name: 'ImageNet validation samples (20)',
    description:
      "20 ImageNet validation JPEGs from Foolbox's samples, one folder per ILSVRC-2012 class index; resize them to the model's input.",
    format: 'image-folder',
    count: 20,
  },
]

export function listDefaultDatasets(): DefaultDatasetEntry[] {
  const root = join(resourcesDir(), 'datasets')
  return ENTRIES.map((e) => ({ ...e, path: join(root, e.id) }))
}

/** Opens an embedded data set by id ('mnist', 'fashion-mnist', 'cifar10', 'imagenet-samples'). */
export async function openDefaultDataset(id: string = DEFAULT_DATASET_ID, options: OpenOptions = {}): Promise<Dataset> {
  const entry = listDefaultDatasets().find((e) => e.id === id)
  if (!entry) {
    throw new LabError('DATA_NO_DEFAULT', `There is no embedded data set "${id}". Choose one of: ${ENTRIES.map((e) => e.id).join(', ')}.`)
  }
  if (!existsSync(entry.path)) {
    throw new LabError(
      'DATA_NOT_FOUND',
      `The embedded data set "${id}" is missing from ${entry.path}. Reinstall HFC Lab, or set HFC_RESOURCES to its resources folder.`,
      entry.path,
    )
  }
  return openDataset(entry.path, { name: entry.name, ...options })
}
