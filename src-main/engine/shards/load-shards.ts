import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { LabError } from '../base/errors'
import { batchName, listBatches, readBatch, type StoredBatch } from './journal'
import type { ShardRecord } from '../../protocol/shards'
import { SHARD_JSON, identityDifference, readShardRecord } from './shard-record'

export interface LoadedShard {
  dir: string
  record: ShardRecord
}

export interface LoadedRun<R> {
  /** The shards in index order. */
  shards: LoadedShard[]
  /** Every batch of every shard, in selection order, tiling [0, selected count) exactly once. */
  batches: StoredBatch<R>[]
}

/** A shard folder, or a folder whose sub-folders are shard folders (e.g. results/shard-0 ... shard-3). */
function shardFolders(dirs: string[]): string[] {
  const found: string[] = []
  for (const given of dirs.map((d) => resolve(d))) {
    if (!existsSync(given) || !statSync(given).isDirectory()) throw new Error(`${given} is not a folder`)
    if (existsSync(join(given, SHARD_JSON))) {
      found.push(given)
      continue
    }
    const inside = readdirSync(given)
      .map((name) => join(given, name))
      .filter((d) => statSync(d).isDirectory() && existsSync(join(d, SHARD_JSON)))
      .sort()
    if (!inside.length)
      throw new Error(`${given} has no shard.json and no shard folders inside; give the folders the shards wrote with --out`)
    found.push(...inside)
  }
  return found
}

function describe(shard: LoadedShard): string {
  return `shard ${shard.record.shard.index}/${shard.record.shard.count} (${shard.dir})`
}

/** Refuses shards of different runs, duplicated or missing shards, and unfinished shards, naming them. */
function checkShards(shards: LoadedShard[]): LoadedShard[] {
  const first = shards[0]
  for (const s of shards.slice(1)) {
    const diff = identityDifference(first.record, s.record)
    if (diff) {
      throw new Error(
        `These shards belong to different runs: ${first.dir} has ${diff.field} ${diff.a}, but ${s.dir} has ${diff.b}. Merge only the shards of one run`,
      )
    }
  }
  const count = first.record.shard.count
  const byIndex = new Map<number, LoadedShard[]>()
  for (const s of shards) byIndex.set(s.record.shard.index, [...(byIndex.get(s.record.shard.index) ?? []), s])
  const duplicated = [...byIndex.values()].filter((list) => list.length > 1)
  if (duplicated.length) {
    const lines = duplicated.map((list) => `shard ${list[0].record.shard.index}/${count} in ${list.map((s) => s.dir).join(' and ')}`)
    throw new Error(`Duplicated shards: ${lines.join('; ')}. Give each shard once`)
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i))
  if (missing.length) {
    const shown = missing.slice(0, 20).map((i) => `${i}/${count}`)
    throw new Error(
      `Missing shards: ${shown.join(', ')}${missing.length > 20 ? `, … (${missing.length} in all)` : ''}. Run them (or add their folders) and merge again`,
    )
  }
  const unfinished = shards.filter((s) => !s.record.finished)
  if (unfinished.length) {
    throw new Error(
      `Unfinished shards: ${unfinished.map(describe).join(', ')}. Re-run them with the same command line; they resume where they stopped`,
    )
  }
  return [...shards].sort((a, b) => a.record.shard.index - b.record.shard.index)
}

/** Every batch of one shard, checked to cover exactly the shard's positions. */
async function shardBatches<R>(shard: LoadedShard): Promise<StoredBatch<R>[]> {
  const { start, end } = shard.record.shard
  const ranges = await listBatches(shard.dir)
  let p = start
  for (const r of ranges) {
    if (r.start !== p || r.end > end) {
      const problem =
        r.start < p
          ? `batch ${batchName(r)} overlaps the one before it`
          : r.start > p
            ? `positions ${p}-${r.start} have no batch`
            : `batch ${batchName(r)} runs past the shard's end ${end}`
      throw new Error(`${describe(shard)} does not cover its samples exactly once: ${problem}. Re-run that shard with --force`)
    }
    p = r.end
  }
  if (p !== end)
    throw new Error(
      `${describe(shard)} lacks the batches for positions ${p}-${end}. Re-run that shard with the same command line to finish it`,
    )
  return Promise.all(
    ranges.map((r) =>
      readBatch<R>(shard.dir, r).catch((error: unknown) => {
        if (error instanceof LabError) throw new LabError(error.code, `${describe(shard)}: ${error.message}`)
        throw error
      }),
    ),
  )
}

/**
 * Reads the shard records of one run for `hfc-lab merge`: checks that they share command,
 * parameters, selection, model hash, data set fingerprint and version, and that every shard
 * 0..N-1 is there once and finished; in index order.
 */
export async function loadShardRecords(dirs: string[]): Promise<LoadedShard[]> {
  const shards: LoadedShard[] = []
  for (const dir of shardFolders(dirs)) shards.push({ dir, record: (await readShardRecord(dir)) as ShardRecord })
  return checkShards(shards)
}

/** The batches of checked shards, which must cover the selection exactly once, in selection order. */
export async function loadBatches<R>(ordered: LoadedShard[]): Promise<StoredBatch<R>[]> {
  const batches: StoredBatch<R>[] = []
  for (const s of ordered) batches.push(...(await shardBatches<R>(s)))
  return batches
}

/** The shards of one run and their batches (loadShardRecords, then loadBatches). */
export async function loadShards<R>(dirs: string[]): Promise<LoadedRun<R>> {
  const shards = await loadShardRecords(dirs)
  return { shards, batches: await loadBatches<R>(shards) }
}
