import { describe, expect, it } from 'vitest'
import { DOMAIN_ERROR_CODES, ERROR_CODES } from '../../../src-main/protocol/errors'

describe('the one list of error codes', () => {
  it('spells every code in UPPER_SNAKE_CASE, each once', () => {
    const all = [...Object.values(ERROR_CODES), ...DOMAIN_ERROR_CODES]
    for (const code of all) expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/)
    expect(new Set(all).size).toBe(all.length)
  })
})
