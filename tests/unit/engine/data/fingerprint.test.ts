import { afterAll, describe, expect, it } from 'vitest'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fingerprint, openDataset, openDefaultDataset } from '../../../../src-main/engine/data'
import { RESOURCES } from '../../paths'
import { tempFolder } from './fixtures'

describe('fingerprint', () => {
  const t = tempFolder()
  afterAll(() => t.remove())

  it('is a stable SHA-256 that does not depend on the display name or where the files were copied', async () => {
    const a = await fingerprint(await openDataset(join(RESOURCES, 'datasets', 'mnist')))
    expect(a).toMatch(/^[0-9a-f]{64}$/)
    expect(await fingerprint(await openDefaultDataset('mnist'))).toBe(a)
    cpSync(join(RESOURCES, 'datasets', 'mnist'), join(t.dir, 'copy'), { recursive: true })
    expect(await fingerprint(await openDataset(join(t.dir, 'copy')))).toBe(a)
  })

  it('changes when a byte of the data changes, and between data sets', async () => {
    const before = await fingerprint(await openDataset(join(t.dir, 'copy')))
    const bytes = readFileSync(join(RESOURCES, 'datasets', 'fashion-mnist', 't10k-labels-idx1-ubyte.gz'))
    writeFileSync(join(t.dir, 'copy', 't10k-labels-idx1-ubyte.gz'), bytes)
    expect(await fingerprint(await openDataset(join(t.dir, 'copy')))).not.toBe(before)
    const cifar = await fingerprint(await openDefaultDataset('cifar10'))
    const samples = await fingerprint(await openDefaultDataset('imagenet-samples'))
    const resized = await fingerprint(await openDefaultDataset('imagenet-samples', { size: [224, 224], channels: 3 }))
    expect(new Set([before, cifar, samples, resized]).size).toBe(4)
  })
})
