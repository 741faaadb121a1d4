import { basename } from 'node:path'

/** CIFAR binary record sizes: label byte(s) then 3,072 pixel bytes (R, G, B planes of 32x32). */
export const CIFAR_PIXELS = 3072
export const CIFAR10_RECORD = 1 + CIFAR_PIXELS
export const CIFAR100_RECORD = 2 + CIFAR_PIXELS

const CIFAR10_NAME = /^(data_batch_\d+|test_batch)\.bin$/i
const CIFAR100_NAME = /^(train|test)\.bin$/i

export function isCifar10Name(name: string): boolean {
  return CIFAR10_NAME.test(name)
}

export function isCifar100Name(name: string): boolean {
  return CIFAR100_NAME.test(name)
}

/**
 * Which CIFAR variant a .bin file is. CIFAR has no magic number, so the official names decide
 * first, then which record size divides the file length; a file of neither length still gets a
 * kind so that its reader can report the wrong length.
 */
export function cifarKindOf(file: string, size: number): 10 | 100 {
  const name = basename(file)
  if (isCifar10Name(name)) return 10
  if (isCifar100Name(name)) return 100
  if (size % CIFAR10_RECORD === 0) return 10
  if (size % CIFAR100_RECORD === 0) return 100
  return 10
}
