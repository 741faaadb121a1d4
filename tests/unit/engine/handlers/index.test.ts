import { describe, expect, it } from 'vitest'
import { handlers } from '../../../../src-main/engine/handlers'
import { hostMethods } from '../../../../src-main/engine/runtime/host-methods'
import { HOST_METHODS, isHostMethod, methods } from '../../../../src-main/protocol/methods'

describe('the worker handler table', () => {
  it('has a handler for every protocol method the host does not run itself, and none for a method the protocol lacks', () => {
    const workerMethods = Object.keys(methods).filter((m) => !(HOST_METHODS as readonly string[]).includes(m))
    expect(Object.keys(handlers).sort()).toEqual(workerMethods.sort())
    for (const handler of Object.values(handlers)) expect(typeof handler).toBe('function')
    expect(Object.keys(hostMethods).sort()).toEqual([...HOST_METHODS].sort())
    for (const method of HOST_METHODS) expect(isHostMethod(method)).toBe(true)
    expect(isHostMethod('model.evaluate')).toBe(false)
  })
})
