import { afterEach, describe, expect, it, vi } from 'vitest'
import { reportError } from '../../../src-main/cli/engine'
import { LabError } from '../../../src-main/engine/base/errors'
import { toEnvelope } from '../../../src-main/engine/base/to-envelope'
import { LabCallError } from '../../../src-main/protocol/errors'

/** What reportError writes to stderr, and the exit code it asks for. */
function report(error: unknown): { stderr: string; code: number | undefined } {
  let stderr = ''
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk)
    return true
  })
  let code: number | undefined
  vi.spyOn(process, 'exit').mockImplementation(((c?: number) => {
    code = c
    throw new Error('exit')
  }) as typeof process.exit)
  expect(() => reportError(error)).toThrow('exit')
  return { stderr, code }
}

describe('CLI error report', () => {
  afterEach(() => vi.restoreAllMocks())

  it('prints the detail an internal error asks the user to report', () => {
    const { stderr, code } = report(new LabCallError(toEnvelope(new TypeError('x.y is not a function'))))
    expect(code).toBe(1)
    expect(stderr).toContain('error [INTERNAL]: The engine failed: x.y is not a function')
    expect(stderr).toMatch(/detail:\nTypeError: x\.y is not a function\n\s+at /)
  })

  it('prints a named error as one line with its code and no stack', () => {
    const { stderr } = report(new LabError('SHARD_RUNNING', 'shard 0/2 is already running in /x'))
    expect(stderr).toBe('error [SHARD_RUNNING]: shard 0/2 is already running in /x\n')
  })
})
