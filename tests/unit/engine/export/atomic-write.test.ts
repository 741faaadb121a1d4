import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempNameBeside, writeFileAtomic } from '../../../../src-main/engine/export/atomic-write'

describe('writeFileAtomic', () => {
  let dir = ''
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hfc-atomic-'))
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it('lets exactly one of many concurrent writers create a file without --force, leaving no temp file', async () => {
    const file = join(dir, 'result.json')
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => writeFileAtomic(file, `writer ${i}`)))
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []))
    expect(won).toHaveLength(1)
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'EXISTS' })
    expect(await readFile(file, 'utf8')).toBe(`writer ${won[0]}`)
    expect(await readdir(dir)).toEqual(['result.json'])
  })

  it('replaces a file with force and never refuses or shares a temp name between writers', async () => {
    const file = join(dir, 'cache.json')
    await Promise.all(Array.from({ length: 8 }, (_, i) => writeFileAtomic(file, `writer ${i}`, { force: true })))
    expect(await readFile(file, 'utf8')).toMatch(/^writer \d$/)
    expect(await readdir(dir)).toEqual(['cache.json'])
    expect(new Set(Array.from({ length: 100 }, () => tempNameBeside(file))).size).toBe(100)
  })
})
