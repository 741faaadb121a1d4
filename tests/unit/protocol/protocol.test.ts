import { describe, expect, it } from 'vitest'
import { decodeFromJson, encodeForJson } from '../../../src-main/protocol/codec'
import { clientMessageSchema, serverMessageSchema } from '../../../src-main/protocol/messages'
import { methods } from '../../../src-main/protocol/methods'
import { describeDefense, parseDefense } from '../../../src-main/protocol/models'
import { shardBounds } from '../../../src-main/protocol/selection'

describe('wire codec', () => {
  it('round-trips typed arrays through JSON bit-exactly', () => {
    const value = {
      a: new Float32Array([0.1, -2.5, Math.PI]),
      b: [new Uint8Array([0, 255]), new Int32Array([-7, 1 << 30])],
      c: 'text',
      d: null,
    }
    const back = decodeFromJson(JSON.parse(JSON.stringify(encodeForJson(value)))) as typeof value
    expect(back.a).toBeInstanceOf(Float32Array)
    expect(Array.from(back.a)).toEqual(Array.from(value.a))
    expect(Array.from(back.b[0])).toEqual([0, 255])
    expect(Array.from(back.b[1])).toEqual([-7, 1 << 30])
    expect(back.c).toBe('text')
  })
})

describe('message validation at the receiving side', () => {
  it('accepts a well-formed call and rejects malformed ones', () => {
    expect(clientMessageSchema.safeParse({ type: 'call', id: 'x1', method: 'engine.info', params: {} }).success).toBe(true)
    expect(clientMessageSchema.safeParse({ type: 'call', id: '', method: 'engine.info' }).success).toBe(false)
    expect(clientMessageSchema.safeParse({ type: 'exec', id: 'x', cmd: 'rm -rf /' }).success).toBe(false)
    expect(serverMessageSchema.safeParse({ type: 'progress', id: 'x', progress: { done: 'a', total: 1 } }).success).toBe(false)
  })

  it('rejects parameters outside their schema and unknown keys', () => {
    expect(methods['engine.selfTest'].params.safeParse({ iterations: 0 }).success).toBe(false)
    expect(methods['engine.selfTest'].params.safeParse({ iterations: 5, shell: 'x' }).success).toBe(false)
    expect(methods['data.open'].params.safeParse({ path: '/a', defaultId: 'mnist' }).success).toBe(false)
    expect(methods['data.open'].params.safeParse({ defaultId: 'mnist' }).success).toBe(true)
  })
})

describe('shards', () => {
  it('cover a selection exactly once, in order, for any count', () => {
    for (const n of [0, 1, 7, 200, 1001]) {
      for (const count of [1, 2, 3, 4, 7]) {
        const seen: number[] = []
        for (let index = 0; index < count; index++) {
          const [start, end] = shardBounds(n, { index, count })
          for (let i = start; i < end; i++) seen.push(i)
        }
        expect(seen).toEqual(Array.from({ length: n }, (_, i) => i))
      }
    }
  })
})

describe('defense strings', () => {
  it('parse and print d1/d2 radii', () => {
    expect(parseDefense('d1:8')).toEqual({ kind: 'd1', radius: 8 })
    expect(parseDefense('d2:1,2')).toEqual({ kind: 'd2', radii: [1, 2] })
    expect(parseDefense('none')).toEqual({ kind: 'none' })
    expect(describeDefense(parseDefense('d2:1.5'))).toBe('d2:1.5')
    expect(() => parseDefense('d3:1')).toThrow(/Unknown defense/)
  })
})
