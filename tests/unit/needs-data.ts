import { describe, it, type TestFunction } from 'vitest'
import { HAS_DATA, HAS_FIXTURES, NEEDS_DATA, NEEDS_FIXTURES } from './paths'

type SuiteBody = () => void

/** A test that needs the large data sets (HFC_DATA_DIR): skipped, with the reason in its name, when they are missing. */
export const itWithData = (name: string, fn: TestFunction, timeout?: number): void => it.skipIf(!HAS_DATA)(name + NEEDS_DATA, fn, timeout)
/** A suite that needs the large data sets (HFC_DATA_DIR). */
export const describeWithData = (name: string, body: SuiteBody): void => {
  describe.skipIf(!HAS_DATA)(name + NEEDS_DATA, body)
}
/** A test that needs the third-party model fixtures (HFC_FIXTURES_DIR). */
export const itWithFixtures = (name: string, fn: TestFunction, timeout?: number): void =>
  it.skipIf(!HAS_FIXTURES)(name + NEEDS_FIXTURES, fn, timeout)
/** A suite that needs the third-party model fixtures (HFC_FIXTURES_DIR). */
export const describeWithFixtures = (name: string, body: SuiteBody): void => {
  describe.skipIf(!HAS_FIXTURES)(name + NEEDS_FIXTURES, body)
}
