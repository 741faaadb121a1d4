import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ensureWritableFolder, writeFileAtomic } from '../../../../src-main/engine/export/atomic-write'

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
