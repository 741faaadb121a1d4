import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ShardRecord } from '../../protocol/shards'
import { writeFileAtomic } from '../export/atomic-write'

export const SHARD_JSON = 'shard.json'

/** The fields every shard of one run shares; a shard whose fields differ belongs to another run. */
export function runIdentity(record: ShardRecord): Record<string, unknown> {
  return {
    command: record.command,
    run: record.run,
    selection: record.selection,
    selected: record.selected,
    'shard count': record.shard.count,
    'model SHA-256': record.model.sha256,
    'model preprocessing': record.model.preprocessing ?? null,
    'data set fingerprint': record.dataset.fingerprint,
    'app version': record.app.version,
  }
}

/** The first identity field on which two records differ, with both values; null when they agree. */
export function identityDifference(a: ShardRecord, b: ShardRecord): { field: string; a: string; b: string } | null {
  const [x, y] = [runIdentity(a), runIdentity(b)]
  for (const field of Object.keys(x)) {
    const [u, v] = [JSON.stringify(x[field]), JSON.stringify(y[field])]
    if (u !== v) return { field, a: u, b: v }
  }
  return null
}

export async function readShardRecord(dir: string): Promise<ShardRecord | null> {
  const file = join(dir, SHARD_JSON)
  if (!existsSync(file)) return null
  let record: ShardRecord
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as ShardRecord
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); re-run that shard with --force`)
  }
  if (record.format !== 'hfc-lab-shard') throw new Error(`${file} is not an HFC Lab shard record`)
  if (record.format_version !== 1) throw new Error(`${file} has shard format ${String(record.format_version)}; this hfc-lab reads format 1`)
  return record
}

export async function writeShardRecord(dir: string, record: ShardRecord): Promise<void> {
  await writeFileAtomic(join(dir, SHARD_JSON), `${JSON.stringify(record, null, 2)}\n`, { force: true })
}
