import { readdirSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { LabError } from '../base/errors'
import { chooseSplit } from './split-choice'

export interface IdxPair {
  images: string
  labels: string
}

const IMAGES_NAME = /idx[34][-.]ubyte(\.gz)?$/i
const LABELS_NAME = /idx1[-.]ubyte(\.gz)?$/i

export function isIdxImagesName(name: string): boolean {
  return IMAGES_NAME.test(name)
}

export function isIdxLabelsName(name: string): boolean {
  return LABELS_NAME.test(name)
}

/** The part of an IDX file name that an images file and its labels file share. */
function pairKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/\.gz$/, '')
    .replace(/idx[134][-.]ubyte$/, '')
    .replace(/images|imgs|labels|lbls/g, '#')
}

/** Every images/labels pair in a folder, matched by name (train-images-idx3-ubyte + train-labels-idx1-ubyte). */
function idxPairsIn(folder: string): IdxPair[] {
  const names = readdirSync(folder).sort()
  const labels = names.filter(isIdxLabelsName)
  const pairs: IdxPair[] = []
  for (const image of names.filter(isIdxImagesName)) {
    const partner = labels.find((l) => pairKey(l) === pairKey(image))
    if (partner) pairs.push({ images: join(folder, image), labels: join(folder, partner) })
  }
  return pairs
}

/**
 * The pair to open for `path`: a folder (its one pair, or the requested split's), an images
 * file (its labels beside it), or a labels file (its images beside it).
 */
export function findIdxPair(path: string, isFolder: boolean, role: 'images' | 'labels', split?: 'train' | 'test'): IdxPair {
  const folder = isFolder ? path : dirname(path)
  const pairs = idxPairsIn(folder)
  if (isFolder) {
    const chosen = chooseSplit(pairs, (p) => p.images, split)
    if (chosen.length === 0) {
      throw new LabError(
        'DATA_PAIR',
        `${basename(folder)} holds no ${split ? split + ' ' : ''}IDX pair: put an images file (…-images-idx3-ubyte[.gz]) and its labels file (…-labels-idx1-ubyte[.gz]) in it.`,
        folder,
      )
    }
    return chosen[0]
  }
  const pair = pairs.find((p) => (role === 'images' ? p.images : p.labels) === path)
  if (pair) return pair
  const wanted = role === 'images' ? 'labels file (…-labels-idx1-ubyte[.gz])' : 'images file (…-images-idx3-ubyte[.gz])'
  throw new LabError(
    'DATA_PAIR',
    `${basename(path)} has no matching ${wanted} beside it. Put both files of the pair in the same folder, named alike.`,
    path,
  )
}
