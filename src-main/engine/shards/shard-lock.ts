import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { tryLock, type HeldLock } from '../export/file-lock'
import { LabError } from '../base/errors'
import type { Shard } from '../../protocol/selection'

/** In the shard folder; hidden, and not one of the files that make a folder "another job's". */
export const SHARD_LOCK = '.hfc-lab-shard.lock'

/**
 * Takes the shard folder for this run. Two runs of one shard in one folder would delete each
 * other's half-written batches, so the second is refused, naming the first; the lock of a process
 * that is gone (killed, crashed) on this machine is taken over.
 */
export async function lockShardFolder(out: string, shard: Shard): Promise<HeldLock> {
  await mkdir(out, { recursive: true })
  const path = join(out, SHARD_LOCK)
  const lock = await tryLock(path)
  if ('release' in lock) return lock
  const who = lock.heldBy ? `pid ${lock.heldBy.pid} on ${lock.heldBy.host}, since ${lock.heldBy.started}` : 'its lock file is being written'
  throw new LabError(
    'SHARD_RUNNING',
    `shard ${shard.index}/${shard.count} is already running in ${out} (${who}); wait for it, or remove ${path} if that process is gone`,
  )
}
