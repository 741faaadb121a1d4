import { basename } from 'node:path'
import { LabError } from './errors'
import { CancelledError } from './job-context'

/** Longest part of an unexpected error's message shown in the sentence (the whole stays in detail). */
const REASON_CHARS = 160

/**
 * What a reader or loader throws at its registry boundary: a named error stays as it is; an
 * unexpected one (a RangeError from a DataView on malformed bytes, a failed system call) becomes
 * "<file> is not a valid <format> file: <reason>" under `code`, or a read failure under
 * `<prefix>_UNREADABLE`, with the original error as its cause and its stack in the detail, so a
 * real bug is named rather than hidden.
 */
export function asFormatError(error: unknown, file: string, format: string, code: 'MODEL_CORRUPT' | 'DATA_CORRUPT'): unknown {
  if (error instanceof LabError || error instanceof CancelledError) return error
  const e = error instanceof Error ? error : new Error(String(error))
  const name = basename(file)
  const detail = `${file}\n${e.stack ?? e.message}`
  const errno = (e as NodeJS.ErrnoException).code
  if (typeof errno === 'string' && /^E[A-Z]+$/.test(errno)) {
    const why = errno === 'EACCES' || errno === 'EPERM' ? 'permission denied' : errno
    return new LabError(
      code === 'MODEL_CORRUPT' ? 'MODEL_UNREADABLE' : 'DATA_UNREADABLE',
      `${name} (or a file it needs) cannot be read: ${why}. Check that it exists and that you may read it.`,
      detail,
      { cause: e },
    )
  }
  let reason = e.message.split('\n')[0].trim() || e.name
  if (reason.length > REASON_CHARS) reason = `${reason.slice(0, REASON_CHARS)}…`
  return new LabError(
    code,
    `${name} is not a valid ${format} file: ${reason}. Check that it is complete and of that format, or save it again.`,
    detail,
    { cause: e },
  )
}
