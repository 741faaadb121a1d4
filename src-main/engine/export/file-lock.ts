import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/** Who holds a lock: written into the lock file, so a refusal can name the holder. */
export interface LockOwner {
  pid: number
  host: string
  started: string
  /** Random per acquisition: tells this holder's lock from a later one with a reused pid. */
  token: string
}

export interface HeldLock {
  path: string
  owner: LockOwner
  release(): Promise<void>
}

/** A takeover that took longer than this was interrupted (its process died between two calls). */
const TAKEOVER_STALE_MS = 10_000

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export async function readLockOwner(path: string): Promise<LockOwner | null> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as LockOwner) : null
  } catch {
    return null
  }
}

/**
 * Stale: the holder was on this machine and its process is gone, or the lock is older than
 * `staleAfterMs` (for short critical sections: a worker thread terminated while holding it leaves
 * a live pid behind). A lock from another host is otherwise never stale (its pid means nothing
 * here). An unreadable lock (a holder killed between create and write) counts as stale once it is
 * older than a takeover may take.
 */
async function isStale(path: string, owner: LockOwner | null, staleAfterMs = Infinity): Promise<boolean> {
  if (owner?.host === hostname() && !alive(owner.pid)) return true
  try {
    return Date.now() - (await stat(path)).mtimeMs > (owner ? staleAfterMs : Math.min(staleAfterMs, TAKEOVER_STALE_MS))
  } catch {
    return false
  }
}

async function create(path: string, owner: LockOwner): Promise<boolean> {
  try {
    await writeFile(path, JSON.stringify(owner), { flag: 'wx' })
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

/**
 * Removes a stale lock. Only one process may do so at a time (a second guard file, itself created
 * with O_EXCL), and it re-reads the lock under that guard: otherwise two processes that both saw
 * the same stale lock could each remove it, and the slower one would remove the faster one's new lock.
 */
async function takeOver(path: string, seen: LockOwner | null, staleAfterMs: number): Promise<void> {
  const guard = `${path}.takeover`
  if (!(await create(guard, { pid: process.pid, host: hostname(), started: new Date().toISOString(), token: '' }))) {
    try {
      if (Date.now() - (await stat(guard)).mtimeMs > TAKEOVER_STALE_MS) await rm(guard, { force: true })
    } catch {
      // Gone meanwhile: the other takeover finished.
    }
    return
  }
  try {
    const now = await readLockOwner(path)
    if (now?.token === seen?.token && (await isStale(path, now, staleAfterMs))) await rm(path, { force: true })
  } finally {
    await rm(guard, { force: true })
  }
}

/**
 * Tries once to take the lock at `path` (created with O_EXCL, so two processes never both get it),
 * taking over a stale one. Returns the lock, or the live holder when another process has it.
 */
export async function tryLock(path: string, staleAfterMs = Infinity): Promise<HeldLock | { heldBy: LockOwner | null }> {
  await mkdir(dirname(path), { recursive: true })
  const owner: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), token: randomBytes(8).toString('hex') }
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await create(path, owner)) return heldLock(path, owner)
    const holder = await readLockOwner(path)
    if (!(await isStale(path, holder, staleAfterMs))) return { heldBy: holder }
    await takeOver(path, holder, staleAfterMs)
  }
  return { heldBy: await readLockOwner(path) }
}

function heldLock(path: string, owner: LockOwner): HeldLock {
  // Removed on a normal exit even if release() never runs (process.exit from a signal handler).
  const onExit = () => removeIfOurs(path, owner.token)
  process.once('exit', onExit)
  return {
    path,
    owner,
    async release() {
      process.off('exit', onExit)
      removeIfOurs(path, owner.token)
    },
  }
}

function removeIfOurs(path: string, token: string): void {
  try {
    const now = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>
    if (now.token === token) rmSync(path, { force: true })
  } catch {
    // Already gone, or no longer ours.
  }
}

/**
 * Runs `fn` holding the lock at `path`, waiting (polling) while another process or worker holds
 * it; null when it stayed held for `timeoutMs`. For short critical sections such as a
 * read-merge-write of a shared cache file.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 5000): Promise<{ value: T } | null> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    // A critical section lasts milliseconds: a lock held far longer was left behind.
    const lock = await tryLock(path, 6 * timeoutMs)
    if ('release' in lock) {
      try {
        return { value: await fn() }
      } finally {
        await lock.release()
      }
    }
    if (Date.now() > deadline) return null
    await sleep(10 + Math.random() * 30)
  }
}
