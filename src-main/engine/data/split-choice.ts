import { basename } from 'node:path'

const TEST_NAME = /(t10k|test)/i
const TRAIN_NAME = /(train|data_batch)/i

/**
 * When a folder holds several candidate files (train and test), keeps the ones of the requested
 * split (none when it is missing), and by default the test ones: this lab evaluates models, and
 * test data is what that needs. Without a split, names that say neither are kept as they are.
 */
export function chooseSplit<T>(candidates: T[], nameOf: (c: T) => string, split?: 'train' | 'test'): T[] {
  const test = candidates.filter((c) => TEST_NAME.test(basename(nameOf(c))))
  const train = candidates.filter((c) => TRAIN_NAME.test(basename(nameOf(c))) && !test.includes(c))
  if (split === 'test') return test
  if (split === 'train') return train
  return test.length > 0 ? test : train.length > 0 ? train : candidates
}

/** The splits a folder's candidate files hold, test first: what the user can switch between. */
export function splitsIn(names: string[]): ('train' | 'test')[] {
  const test = names.some((n) => TEST_NAME.test(basename(n)))
  const train = names.some((n) => TRAIN_NAME.test(basename(n)) && !TEST_NAME.test(basename(n)))
  return [...(test ? (['test'] as const) : []), ...(train ? (['train'] as const) : [])]
}
