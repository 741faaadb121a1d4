import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { LabError } from '../base/errors'
import { decodeFromJson, encodeForJson } from '../../protocol/codec'

/**
 * A shard's results, one folder per finished batch: batches/<start>-<end>/ with result.json (and
 * whatever files the job wrote, e.g. a gallery's images), named by the positions [start, end) the
 * batch covers in the whole selection. A batch is written into a hidden temporary folder and
 * renamed into place when complete, so a crash leaves either the whole batch or nothing.
 */
export const BATCHES_DIR = 'batches'
const RESULT_JSON = 'result.json'
const BATCH_NAME = /^(\d{8,})-(\d{8,})$/
const PARTIAL_PREFIX = '.partial-'

export interface BatchRange {
  start: number
  end: number
}

export interface StoredBatch<R> extends BatchRange {
  /** The batch's folder (its files stay there). */
  dir: string
  result: R
}

export function batchName({ start, end }: BatchRange): string {
  return `${String(start).padStart(8, '0')}-${String(end).padStart(8, '0')}`
}

/** JSON with typed arrays (base64) and the non-finite numbers JSON cannot spell, both exact. */
export function encodeResult(value: unknown): string {
  return JSON.stringify(encodeForJson(value), (_key, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v,
  )
}

export function decodeResult<R>(text: string): R {
  const parsed: unknown = JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v)
      if (keys.length === 1 && keys[0] === '$number') return Number((v as { $number: string }).$number)
    }
    return v
  })
  return decodeFromJson(parsed) as R
}

/** The finished batches of a shard folder, in position order. */
export async function listBatches(shardDir: string): Promise<BatchRange[]> {
  const dir = join(shardDir, BATCHES_DIR)
  if (!existsSync(dir)) return []
  const ranges: BatchRange[] = []
  for (const name of await readdir(dir)) {
    const m = BATCH_NAME.exec(name)
    if (m && existsSync(join(dir, name, RESULT_JSON))) ranges.push({ start: Number(m[1]), end: Number(m[2]) })
  }
  return ranges.sort((a, b) => a.start - b.start)
}

/** Removes half-written batches a killed run left behind. */
export async function removePartialBatches(shardDir: string): Promise<number> {
  const dir = join(shardDir, BATCHES_DIR)
  if (!existsSync(dir)) return 0
  const partial = (await readdir(dir)).filter((name) => name.startsWith(PARTIAL_PREFIX))
  for (const name of partial) await rm(join(dir, name), { recursive: true, force: true })
  return partial.length
}

/**
 * The batches still to run over positions [start, end): consecutive blocks of at most `size`
 * positions that skip the finished ranges (which may come from a run with another batch size).
 */
export function planBatches(start: number, end: number, size: number, done: BatchRange[]): BatchRange[] {
  const todo: BatchRange[] = []
  const finished = done.filter((d) => d.end > start && d.start < end).sort((a, b) => a.start - b.start)
  let p = start
  let k = 0
  while (p < end) {
    while (k < finished.length && finished[k].end <= p) k++
    if (k < finished.length && finished[k].start <= p) {
      p = finished[k].end
      continue
    }
    const limit = Math.min(p + size, end, k < finished.length ? finished[k].start : end)
    todo.push({ start: p, end: limit })
    p = limit
  }
  return todo
}

/**
 * Runs one batch into a temporary folder and renames it into place once its result is written:
 * `run` gets the folder to write any files into and returns the batch's result.
 */
export async function commitBatch<R>(shardDir: string, range: BatchRange, run: (dir: string) => Promise<R>): Promise<R> {
  const parent = join(shardDir, BATCHES_DIR)
  const temp = join(parent, `${PARTIAL_PREFIX}${batchName(range)}-${randomBytes(4).toString('hex')}`)
  await mkdir(temp, { recursive: true })
  try {
    const result = await run(temp)
    await writeFile(join(temp, RESULT_JSON), encodeResult(result))
    await rename(temp, join(parent, batchName(range)))
    return result
  } catch (error) {
    await rm(temp, { recursive: true, force: true })
    throw error
  }
}

/** A batch's result; SHARD_BATCH_DAMAGED when its result.json does not read (a truncated or damaged file). */
export async function readBatch<R>(shardDir: string, range: BatchRange): Promise<StoredBatch<R>> {
  const dir = join(shardDir, BATCHES_DIR, batchName(range))
  const file = join(dir, RESULT_JSON)
  try {
    return { ...range, dir, result: decodeResult<R>(await readFile(file, 'utf8')) }
  } catch (error) {
    throw new LabError(
      'SHARD_BATCH_DAMAGED',
      `${file} is damaged (${error instanceof Error ? error.message : String(error)}). Re-run that shard with the same command line: it runs the damaged batch again`,
    )
  }
}

/** Removes the finished batches whose result.json no longer reads, so a resumed shard runs them again. */
export async function removeDamagedBatches(shardDir: string): Promise<BatchRange[]> {
  const damaged: BatchRange[] = []
  for (const range of await listBatches(shardDir)) {
    try {
      await readBatch(shardDir, range)
    } catch {
      damaged.push(range)
      await rm(join(shardDir, BATCHES_DIR, batchName(range)), { recursive: true, force: true })
    }
  }
  return damaged
}

/** Removes every batch of a shard folder (a --force re-run of a different job). */
export async function clearBatches(shardDir: string): Promise<void> {
  await rm(join(shardDir, BATCHES_DIR), { recursive: true, force: true })
}
