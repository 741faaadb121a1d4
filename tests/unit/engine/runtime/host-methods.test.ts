import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineHost } from '../../../../src-main/engine/runtime/host'
import { LabCallError } from '../../../../src-main/protocol/errors'
import type { ShardJob } from '../../../../src-main/protocol/shards'

/**
 * The methods the EngineHost answers itself, called as any client calls them: a shard run over
 * the worker pool, its status, the merge of a run's shards and the files of an unsharded run, each
 * checked against the plain engine method on the same selection.
 */
describe('shard and results methods of the EngineHost', () => {
  let host: EngineHost
  let work: string
  let datasetId: string
  let modelId: string
  let model: { spec: string; name: string; sha256: string }
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'hfc-host-methods-'))
    host = await EngineHost.start({ backend: 'wasm', workers: 2 })
    datasetId = (await host.call('data.open', { defaultId: 'mnist' })).id
    const opened = await host.call('model.open', { defaultId: 'mnist' })
    modelId = opened.id
    model = { spec: 'mnist', name: opened.info.name, sha256: opened.info.sha256 }
  }, 120_000)
  afterAll(async () => {
    await host.close()
    rmSync(work, { recursive: true, force: true })
  })

  const selection = { limit: 25 }
  const job = (): ShardJob => ({ method: 'model.evaluate', params: { modelId, datasetId } })
  const runShard = (index: number, out: string) =>
    host.call('shard.run', {
      command: 'eval',
      job: job(),
      out,
      shard: { index, count: 2 },
      batchSize: 5,
      run: { defense: { kind: 'none' } },
      selection,
      argv: ['eval', '--shard', `${index}/2`],
      model,
      dataset: { spec: 'mnist', id: datasetId },
    })

  it('draws the whole selection in the engine, as the batch jobs select it', async () => {
    const drawn = await host.call('data.selection', { datasetId, n: 7, seed: 3 })
    const predicted = await host.call('model.predict', { modelId, datasetId, n: 7, seed: 3 })
    expect(Array.from(drawn.indices)).toEqual(Array.from(predicted.indices))
    expect(drawn.count).toBe(1000)
    expect(drawn.fingerprint).toMatch(/^[0-9a-f]{16,}$/)
  })

  it('runs two shards into their folders, and merges them into the unsharded evaluation and its file', async () => {
    const first = await runShard(0, join(work, 'shards', 's0'))
    expect(first).toMatchObject({ samples: 13, batchesRun: 3, batchesResumed: 0 })
    expect(first.record.shard).toEqual({ index: 0, count: 2, start: 0, end: 13 })
    expect(first.record.dataset).toMatchObject({ spec: 'mnist', count: 1000 })
    expect(await host.call('shard.status', { out: join(work, 'shards', 's0') })).toEqual({ batches: 3, samples: 13 })
    await runShard(1, join(work, 'shards', 's1'))
    // A second run of a finished shard resumes every batch from disk.
    expect(await runShard(1, join(work, 'shards', 's1'))).toMatchObject({ batchesRun: 0, batchesResumed: 3 })

    const { record, backends, merged } = await host.call('shard.merge', { dirs: [join(work, 'shards')], out: join(work, 'merged') })
    expect(record.command).toBe('eval')
    expect(backends).toEqual(['wasm'])
    const whole = await host.call('model.evaluate', { modelId, datasetId, ...selection })
    expect(merged.command).toBe('eval')
    expect(merged.result).toEqual(whole)
    expect(JSON.parse(readFileSync(join(work, 'merged', 'evaluation.json'), 'utf8'))).toEqual(whole)

    const saved = await host.call('results.save', {
      job: { method: 'model.evaluate', params: { modelId, datasetId, ...selection } },
      out: join(work, 'unsharded'),
    })
    expect(saved.result).toEqual(whole)
    expect(readFileSync(join(work, 'unsharded', 'evaluation.json'), 'utf8')).toBe(
      readFileSync(join(work, 'merged', 'evaluation.json'), 'utf8'),
    )
  }, 300_000)

  it('reaches the caller with the named error of the shard folder, as a worker error would', async () => {
    const file = join(work, 'shards', 's0', 'batches', '00000005-00000010', 'result.json')
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 10))
    const refused = await host
      .call('shard.merge', { dirs: [join(work, 'shards')], out: join(work, 'merged-again') })
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(LabCallError)
    expect(refused).toMatchObject({ code: 'SHARD_BATCH_DAMAGED' })
    expect(readdirSync(work)).not.toContain('merged-again')
  })

  it("refuses a job that is not the command's method before running anything", async () => {
    const wrong = {
      command: 'attack' as const,
      job: job(),
      out: join(work, 'wrong'),
      shard: { index: 0, count: 1 },
      batchSize: 5,
      run: {},
      selection,
      argv: [],
      model,
      dataset: { spec: 'mnist', id: datasetId },
    }
    await expect(host.call('shard.run', wrong)).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    expect(readdirSync(work)).not.toContain('wrong')
  })
})
