import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  BATCHES_DIR,
  commitBatch,
  decodeResult,
  encodeResult,
  listBatches,
  planBatches,
  readBatch,
  removePartialBatches,
} from '../../../../src-main/engine/shards/journal'

describe('planBatches', () => {
  it('splits a shard into consecutive batches of at most the batch size', () => {
    expect(planBatches(50, 100, 20, [])).toEqual([
      { start: 50, end: 70 },
      { start: 70, end: 90 },
      { start: 90, end: 100 },
    ])
  })

  it('skips the batches already on disk, even when they were cut with another batch size', () => {
    const done = [
      { start: 50, end: 70 },
      { start: 80, end: 85 },
    ]
    expect(planBatches(50, 100, 20, done)).toEqual([
      { start: 70, end: 80 },
      { start: 85, end: 100 },
    ])
  })

  it('has nothing to do for an empty or finished shard', () => {
    expect(planBatches(10, 10, 4, [])).toEqual([])
    expect(planBatches(0, 8, 4, [{ start: 0, end: 8 }])).toEqual([])
  })
})

describe('batch results on disk', () => {
  it('round-trips typed arrays and non-finite numbers exactly', () => {
    const value = {
      l2: Float32Array.from([0.1, Number.NaN, 3e-39]),
      ids: Int32Array.from([7, -1]),
      median: Number.NaN,
      top: Number.POSITIVE_INFINITY,
      rows: [{ ok: true }],
    }
    const back = decodeResult<typeof value>(encodeResult(value))
    expect(back.l2).toBeInstanceOf(Float32Array)
    expect(Array.from(back.l2)).toEqual(Array.from(value.l2))
    expect(Array.from(back.ids)).toEqual([7, -1])
    expect(back.median).toBeNaN()
    expect(back.top).toBe(Number.POSITIVE_INFINITY)
    expect(back.rows).toEqual([{ ok: true }])
  })

  it('commits a batch as a whole folder, and leaves nothing of a batch that failed', async () => {
    const shard = mkdtempSync(join(tmpdir(), 'hfc-journal-'))
    await commitBatch(shard, { start: 0, end: 4 }, async () => ({ n: 4 }))
    await expect(
      commitBatch(shard, { start: 4, end: 8 }, async () => {
        throw new Error('node preempted')
      }),
    ).rejects.toThrow('node preempted')
    expect(await listBatches(shard)).toEqual([{ start: 0, end: 4 }])
    expect(readdirSync(join(shard, BATCHES_DIR))).toEqual(['00000000-00000004'])
    expect((await readBatch<{ n: number }>(shard, { start: 0, end: 4 })).result).toEqual({ n: 4 })
    expect(await removePartialBatches(shard)).toBe(0)
    rmSync(shard, { recursive: true, force: true })
  })
})
