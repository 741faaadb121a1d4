import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDataset } from '../../../../src-main/engine/data'
import { LabError } from '../../../../src-main/engine/base/errors'
import { asFormatError } from '../../../../src-main/engine/base/format-error'
import { CancelledError } from '../../../../src-main/engine/base/job-context'
import { SHARED_DATA } from '../../paths'
import { encodeNpy, encodeZip, tempFolder } from '../data/fixtures'

describe('asFormatError: unexpected errors at a reader boundary become named errors that keep their cause', () => {
  it('wraps a RangeError from malformed bytes as "<file> is not a valid <format> file", keeping the cause and its stack', () => {
    const cause = new RangeError('Offset is outside the bounds of the DataView')
    const error = asFormatError(cause, '/data/x.npz', 'npy', 'DATA_CORRUPT') as LabError
    expect(error).toBeInstanceOf(LabError)
    expect(error.code).toBe('DATA_CORRUPT')
    expect(error.message).toBe(
      'x.npz is not a valid npy file: Offset is outside the bounds of the DataView. Check that it is complete and of that format, or save it again.',
    )
    expect(error.cause).toBe(cause)
    expect(error.detail).toContain('/data/x.npz')
    expect(error.detail).toContain(cause.stack!.split('\n')[1].trim())
  })

  it('names a failed read (permission denied) instead of calling the file invalid', () => {
    const cause = Object.assign(new Error("EACCES: permission denied, open '/m/w.bin'"), { code: 'EACCES' })
    const error = asFormatError(cause, '/m/model.json', 'tfjs-layers', 'MODEL_CORRUPT') as LabError
    expect(error.code).toBe('MODEL_UNREADABLE')
    expect(error.message).toContain('permission denied')
  })

  it('passes named errors and cancellation through unchanged', () => {
    const named = new LabError('DATA_FORMAT', 'x')
    const cancelled = new CancelledError()
    expect(asFormatError(named, 'f', 'idx', 'DATA_CORRUPT')).toBe(named)
    expect(asFormatError(cancelled, 'f', 'idx', 'DATA_CORRUPT')).toBe(cancelled)
  })
})

describe('the data registry wraps what a reader throws on malformed bytes', () => {
  const t = tempFolder('hfc-wrap-')
  afterAll(() => t.remove())

  it('an .npz whose directory entry claims an extra field past the directory: "not a valid npy file", cause kept', async () => {
    const zip = encodeZip([{ name: 'x.npy', data: encodeNpy('|u1', [1, 2, 2], new Uint8Array(4)), deflate: false }])
    new DataView(zip.buffer).setUint16(zip.length - 22 - (46 + 5) + 30, 4, true)
    const file = join(t.dir, 'extra.npz')
    writeFileSync(file, zip)
    const error = (await openDataset(file).catch((e: unknown) => e)) as LabError
    expect(error).toBeInstanceOf(LabError)
    expect(error.code).toBe('DATA_CORRUPT')
    expect(error.message).toMatch(/^extra\.npz is not a valid npy file: Offset is outside the bounds of the DataView\./)
    expect(error.cause).toBeInstanceOf(RangeError)
  })
})

describe('special files are refused, not read', () => {
  const t = tempFolder('hfc-special-')
  afterAll(() => t.remove())

  it('a FIFO chosen as a data file gets DATA_NOT_FILE instead of blocking', async () => {
    const fifo = join(t.dir, 'images.npy')
    execFileSync('mkfifo', [fifo])
    await expect(openDataset(fifo)).rejects.toMatchObject({ code: 'DATA_NOT_FILE' })
    await expect(openDataset('/dev/zero')).rejects.toMatchObject({ code: 'DATA_NOT_FILE' })
  })

  it('a FIFO named like an image in a folder is skipped and listed', async () => {
    const dir = join(t.dir, 'folder')
    mkdirSync(dir)
    copyFileSync(join(SHARED_DATA, 'samples', 'mnist_00_7.png'), join(dir, 'a_7.png'))
    execFileSync('mkfifo', [join(dir, 'b_1.png')])
    const d = await openDataset(dir)
    expect(d.info.count).toBe(1)
    expect(d.info.skipped).toEqual([{ file: join(dir, 'b_1.png'), reason: 'is not a regular file (a device, pipe or socket)' }])
  })
})
