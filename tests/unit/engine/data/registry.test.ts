import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { join } from 'node:path'
import { DATASET_READERS, detectFormat, openDataset } from '../../../../src-main/engine/data'
import { RESOURCES } from '../../paths'
import { tempFolder } from './fixtures'

describe('format registry', () => {
  const t = tempFolder()
  afterAll(() => t.remove())

  it('holds one reader per format', () => {
    expect(DATASET_READERS.map((r) => r.format)).toEqual(['idx', 'cifar10-bin', 'cifar100-bin', 'npy', 'image-folder', 'image-file'])
  })

  it('recognises an IDX file by its magic number even under another name', async () => {
    const file = join(t.dir, 'digits.data')
    writeFileSync(file, gunzipSync(readFileSync(join(RESOURCES, 'datasets', 'mnist', 't10k-images-idx3-ubyte.gz'))).subarray(0, 64))
    expect(await detectFormat(file)).toBe('idx')
  })

  it('names the formats it reads when a path is none of them', async () => {
    const file = join(t.dir, 'notes.csv')
    writeFileSync(file, 'a,b\n1,2\n')
    await expect(openDataset(file)).rejects.toMatchObject({
      code: 'DATA_UNKNOWN_FORMAT',
      message: expect.stringMatching(/notes\.csv is not a data set format.*IDX.*CIFAR-10.*NumPy/),
    })
    const empty = join(t.dir, 'empty')
    mkdirSync(empty)
    await expect(detectFormat(empty)).rejects.toMatchObject({ code: 'DATA_UNKNOWN_FORMAT' })
  })

  it('says a missing path does not exist', async () => {
    await expect(openDataset(join(t.dir, 'nope'))).rejects.toMatchObject({
      code: 'DATA_NOT_FOUND',
      message: expect.stringContaining('does not exist'),
    })
  })
})
