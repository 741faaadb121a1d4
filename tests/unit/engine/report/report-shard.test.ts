import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineHost } from '../../../../src-main/engine/runtime/host'
import { LabCallError } from '../../../../src-main/protocol/errors'
import type { ReportPartial, ReportResults } from '../../../../src-main/protocol/report'
import type { ShardOutcome } from '../../../../src-main/protocol/shards'

/**
 * results.json without what differs between runs by nature: dates, timings, and the engine's note on
 * how it chose the gradient engine (which says whether a gradient job ran before); numbers to 12
 * significant digits (a merged accuracy is a weighted mean of the shards').
 */
function numbers(results: ReportResults): unknown {
  const { startedAt: _s, finishedAt: _f, timings: _t, ...methods } = results.methods
  const model = { ...methods.model, engine: { ...methods.model.engine, reason: '' } }
  return JSON.parse(JSON.stringify({ ...results, methods: { ...methods, model } }), (_key, v: unknown) =>
    typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(12)) : v,
  ) as unknown
}

const readResults = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ReportResults

/**
 * The report run as 2 shards on the embedded MNIST model (quick preset, first 4 images: 2 per
 * shard in every section) and merged is the unsharded report: results.json holds the same numbers.
 */
describe('report.shard and shard.merge of report shards', () => {
  let host: EngineHost
  let ids: { modelId: string; datasetId: string }
  let root: string
  const common = { preset: 'quick' as const, limit: 4, seed: 0, argv: [], modelSpec: 'mnist', dataSpec: 'mnist' }
  const firstAttempt: ReportPartial[] = []
  let killed: unknown
  let resumed: ShardOutcome
  let wholeFiles: string[]

  beforeAll(async () => {
    host = await EngineHost.start({ backend: 'wasm', workers: 2 })
    ids = {
      datasetId: (await host.call('data.open', { defaultId: 'mnist' })).id,
      modelId: (await host.call('model.open', { defaultId: 'mnist' })).id,
    }
    root = await mkdtemp(join(tmpdir(), 'hfc-report-shard-'))
    wholeFiles = (await host.call('report.run', { ...ids, out: join(root, 'whole'), preset: 'quick', limit: 4, pdf: false })).files
    // Shard 0 is stopped after its radius curve (as a killed process stops), then run again with the same request.
    const stop = new AbortController()
    killed = await host
      .call(
        'report.shard',
        { ...ids, ...common, out: join(root, 's0'), shard: { index: 0, count: 2 } },
        {
          signal: stop.signal,
          onPartial: (p) => {
            firstAttempt.push(p)
            if (p.status === 'done' && p.section === 'radius') stop.abort()
          },
        },
      )
      .catch((error: unknown) => error)
    resumed = await host.call('report.shard', { ...ids, ...common, out: join(root, 's0'), shard: { index: 0, count: 2 } })
    await host.call('report.shard', { ...ids, ...common, out: join(root, 's1'), shard: { index: 1, count: 2 } })
    // Eight attack curves and a gallery on 4 images, twice: tens of seconds on an idle machine.
  }, 900_000)
  afterAll(async () => {
    await host.close()
    await rm(root, { recursive: true, force: true })
  })

  it('resumes a stopped shard after its last finished section', () => {
    expect(killed).toBeInstanceOf(LabCallError)
    expect(firstAttempt.filter((p) => p.status === 'done').map((p) => p.section)).toEqual(['setup', 'figure1', 'radius'])
    expect(resumed.batchesResumed).toBe(3)
    expect(resumed.batchesRun).toBe(5)
    expect(resumed.record.attempts).toHaveLength(2)
    expect(resumed.record.shard).toEqual({ index: 0, count: 2, start: 0, end: 2 })
    expect(resumed.record.finished).not.toBeNull()
  })

  it('merges 2 shards into the numbers of the unsharded report', async () => {
    const out = join(root, 'merged')
    const { merged, record } = await host.call('shard.merge', { dirs: [join(root, 's0'), join(root, 's1')], out, pdf: false })
    expect(record.command).toBe('report')
    if (merged.command !== 'report') throw new Error('not a report merge')
    for (const file of ['index.html', 'results.json', 'figure2.png', 'heatmap.png']) expect(existsSync(join(out, file))).toBe(true)
    const whole = readResults(join(root, 'whole'))
    const sharded = readResults(out)
    // The sections each hold numbers of both shards' samples.
    expect(sharded.curves.indices).toEqual(whole.curves.indices)
    expect(sharded.curves.indices).toHaveLength(4)
    expect(sharded.evaluation).toEqual(whole.evaluation)
    expect(sharded.figure1.counts).toEqual(whole.figure1.counts)
    expect(sharded.figure1.svd).toEqual(whole.figure1.svd)
    expect(sharded.curves.entries.map((e) => e.auc)).toEqual(whole.curves.entries.map((e) => e.auc))
    expect(sharded.direct.examples).toEqual(whole.direct.examples)
    expect(sharded.gallery).toEqual(whole.gallery)
    expect(sharded.kernels).toEqual(whole.kernels)
    expect(numbers(sharded)).toEqual(numbers(whole))
    // The same figures and pictures, byte for byte (the page itself differs in its dates and timings).
    expect([...merged.result.files].sort()).toEqual([...wholeFiles].sort())
    for (const png of wholeFiles.filter((f) => f.endsWith('.png')))
      expect(readFileSync(join(out, png)).equals(readFileSync(join(root, 'whole', png))), png).toBe(true)
  })

  it('refuses shards of different runs and a missing shard, naming them', async () => {
    // Shard 1 of a run with another seed, stopped after its setup: the merge names the difference before anything else.
    const other = join(root, 'other')
    const stop = new AbortController()
    await host
      .call(
        'report.shard',
        { ...ids, ...common, seed: 1, out: other, shard: { index: 1, count: 2 } },
        { signal: stop.signal, onPartial: (p) => p.status === 'done' && stop.abort() },
      )
      .catch(() => undefined)
    const mixed = await host
      .call('shard.merge', { dirs: [join(root, 's0'), other], out: join(root, 'mixed'), pdf: false })
      .catch((e: unknown) => e)
    expect((mixed as Error).message).toMatch(/These shards belong to different runs: .*s0 has run .*other has/)
    expect(existsSync(join(root, 'mixed', 'index.html'))).toBe(false)
    const alone = await host
      .call('shard.merge', { dirs: [join(root, 's0')], out: join(root, 'alone'), pdf: false })
      .catch((e: unknown) => e)
    expect((alone as Error).message).toMatch(/Missing shards: 1\/2/)
  }, 300_000)

  it('refuses a shard count that leaves a shard without images', async () => {
    const error = await host
      .call('report.shard', { ...ids, ...common, out: join(root, 'empty'), shard: { index: 4, count: 5 } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LabCallError)
    expect((error as LabCallError).code).toBe('SHARD_EMPTY')
  })
})
