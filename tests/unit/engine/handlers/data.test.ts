import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dataHandlers } from '../../../../src-main/engine/handlers/data'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import { createState } from '../../../../src-main/engine/session/state'
import type { ParsedParams } from '../../../../src-main/protocol/methods'
import { SHARED_DATA } from '../../paths'

const SAMPLES = join(SHARED_DATA, 'samples')
const dir = mkdtempSync(join(tmpdir(), 'hfc-thumbs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('data.thumbnails', () => {
  it('returns the pixels of the readable images of a page and lists the one that cannot be decoded', async () => {
    copyFileSync(join(SAMPLES, 'cifar10_00_3.png'), join(dir, 'a_3.png'))
    // A JPEG start marker over garbage: listed when the folder opens, fails when decoded.
    writeFileSync(join(dir, 'b_1.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 7)]))
    copyFileSync(join(SAMPLES, 'cifar10_02_8.png'), join(dir, 'c_8.png'))
    const state = createState({ backend: 'cpu', forward: 'tfjs', attempts: [], singleWorker: false }, 0, 1)
    const ctx = silentContext()
    const opened = await dataHandlers['data.open']!({ path: dir, size: [32, 32], channels: 3 } as ParsedParams<'data.open'>, ctx, state)
    expect(opened.info.count).toBe(3)
    const page = await dataHandlers['data.thumbnails']!({ datasetId: opened.id, indices: [0, 1, 2] }, ctx, state)
    expect(page.broken).toEqual([{ index: 1, file: join(dir, 'b_1.jpg'), message: expect.stringContaining('b_1.jpg cannot be decoded') }])
    const size = 32 * 32 * 3
    const alone = async (index: number) =>
      (await dataHandlers['data.thumbnails']!({ datasetId: opened.id, indices: [index] }, ctx, state)).bytes
    expect(page.bytes.subarray(0, size)).toEqual(await alone(0))
    expect(page.bytes.subarray(2 * size)).toEqual(await alone(2))
    expect(page.bytes.subarray(size, 2 * size).every((v) => v === 0)).toBe(true)
    expect(Math.max(...page.bytes.subarray(0, size))).toBeGreaterThan(0)
  })
})
