import { describe, expect, it } from 'vitest'
import { handlers } from '../../../../src-main/engine/handlers'
import { methods } from '../../../../src-main/protocol/methods'

describe('the worker handler table', () => {
  it('has a handler for every protocol method and none for a method the protocol lacks', () => {
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(methods).sort())
    for (const handler of Object.values(handlers)) expect(typeof handler).toBe('function')
  })
})
