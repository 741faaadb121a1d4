import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ensureWritableFolder, tempNameBeside, writeFileAtomic } from '../../../../src-main/engine/export/atomic-write'

describe('writeFileAtomic', () => {
  let dir = ''
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hfc-atomic-'))
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it('lets exactly one of many concurrent writers create a file without --force, leaving no temp file', async () => {
    const file = join(dir, 'result.json')
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => writeFileAtomic(file, `writer ${i}`)))
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []))
    expect(won).toHaveLength(1)
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'EXISTS' })
    expect(await readFile(file, 'utf8')).toBe(`writer ${won[0]}`)
    expect(await readdir(dir)).toEqual(['result.json'])
  })

  it('replaces a file with force and never refuses or shares a temp name between writers', async () => {
    const file = join(dir, 'cache.json')
    await Promise.all(Array.from({ length: 8 }, (_, i) => writeFileAtomic(file, `writer ${i}`, { force: true })))
    expect(await readFile(file, 'utf8')).toMatch(/^writer \d$/)
    expect(await readdir(dir)).toEqual(['cache.json'])
    expect(new Set(Array.from({ length: 100 }, () => tempNameBeside(file))).size).toBe(100)
  })
})

const root = mkdtempSync(join(tmpdir(), 'hfc-atomic-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const refused = (folder: string) => ({
  code: 'OUT_NOT_WRITABLE',
  message: expect.stringContaining(`Cannot write to ${folder}: choose another folder`),
})

describe('ensureWritableFolder', () => {
  it('creates missing parents one level at a time', async () => {
    const folder = join(root, 'a', 'b', 'c')
    await ensureWritableFolder(folder)
    await writeFileAtomic(join(folder, 'x.txt'), 'ok')
    expect(readFileSync(join(folder, 'x.txt'), 'utf8')).toBe('ok')
  })

  it('refuses a folder under /proc at once (where a recursive mkdir never returns)', async () => {
    await expect(ensureWritableFolder('/proc/hfc-lab-test/deeper')).rejects.toMatchObject(refused('/proc/hfc-lab-test/deeper'))
    await expect(writeFileAtomic('/proc/hfc-lab-test/file.png', 'x')).rejects.toMatchObject(refused('/proc/hfc-lab-test'))
  })

  it('refuses a path that runs through a file', async () => {
    const file = join(root, 'plain-file')
    writeFileSync(file, 'x')
    await expect(ensureWritableFolder(join(file, 'sub'))).rejects.toMatchObject(refused(join(file, 'sub')))
  })

  it('refuses a folder the user may not write to (checked as the unprivileged user nobody)', () => {
    const locked = join(root, 'locked')
    mkdirSync(locked)
    chmodSync(root, 0o755)
    chmodSync(locked, 0o555)
    const script = `import('${join(process.cwd(), 'src-main/engine/export/atomic-write.ts')}').then((m) => m.ensureWritableFolder('${join(locked, 'out')}')).then(() => console.log('created'), (e) => console.log(e.code))`
    const asNobody = process.getuid?.() === 0 ? ['runuser', '-u', 'nobody', '--'] : []
    const [command, ...args] = [...asNobody, process.execPath, '--import', 'tsx', '-e', script]
    const printed = execFileSync(command, args, { encoding: 'utf8', cwd: process.cwd() }).trim()
    expect(printed).toBe('OUT_NOT_WRITABLE')
  })
})
