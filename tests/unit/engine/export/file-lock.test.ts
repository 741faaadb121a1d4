import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readLockOwner, tryLock, withLock } from '../../../../src-main/engine/export/file-lock'

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!
}

describe('file lock', () => {
  let dir = ''
  let lock = ''
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hfc-lock-'))
    lock = join(dir, 'x.lock')
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it('refuses a second holder and names the first, then frees the lock on release', async () => {
    const first = await tryLock(lock)
    if (!('release' in first)) throw new Error('the first lock was refused')
    const second = await tryLock(lock)
    expect(second).toEqual({ heldBy: expect.objectContaining({ pid: process.pid, host: hostname() }) })
    await first.release()
    expect(existsSync(lock)).toBe(false)
    const third = await tryLock(lock)
    expect('release' in third).toBe(true)
    if ('release' in third) await third.release()
  })

  it('takes over a lock whose process on this host is gone', async () => {
    await writeFile(lock, JSON.stringify({ pid: deadPid(), host: hostname(), started: '', token: 'old' }))
    const taken = await tryLock(lock)
    expect('release' in taken).toBe(true)
    expect((await readLockOwner(lock))?.pid).toBe(process.pid)
    if ('release' in taken) await taken.release()
  })

  it('never takes over a lock held on another host (its pid means nothing here)', async () => {
    await writeFile(lock, JSON.stringify({ pid: deadPid(), host: `${hostname()}-other`, started: '', token: 'x' }))
    expect(await tryLock(lock)).toEqual({ heldBy: expect.objectContaining({ host: `${hostname()}-other` }) })
  })

  it('takes over a lock older than the staleness limit even when its holder lives (a terminated worker thread)', async () => {
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), started: '', token: 'left' }))
    const old = new Date(Date.now() - 60_000)
    await utimes(lock, old, old)
    expect(await tryLock(lock)).toEqual({ heldBy: expect.objectContaining({ token: 'left' }) })
    const taken = await tryLock(lock, 30_000)
    expect('release' in taken).toBe(true)
    if ('release' in taken) await taken.release()
  })

  it('serialises concurrent critical sections of one process', async () => {
    let inside = 0
    let most = 0
    await Promise.all(
      Array.from({ length: 6 }, () =>
        withLock(lock, async () => {
          most = Math.max(most, ++inside)
          await new Promise((r) => setTimeout(r, 5))
          inside--
        }),
      ),
    )
    expect(most).toBe(1)
    expect(existsSync(lock)).toBe(false)
  })
})
