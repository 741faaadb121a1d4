import { expect } from 'vitest'
import { LabError } from '../../../src-main/engine/base/errors'

/** The LabError a model open rejects with; a model that opens after all is disposed and fails the test. */
export async function labErrorOf(opening: Promise<{ dispose(): unknown }>): Promise<LabError> {
  const error = await opening.then(
    (m) => {
      m.dispose()
      return undefined
    },
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(LabError)
  return error as LabError
}
