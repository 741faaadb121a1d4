import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openDataset, parseIndices, selectSamples } from '../../../../src-main/engine/data'
import { RESOURCES } from '../../paths'

describe('parseIndices', () => {
  it('expands ranges and single indices in the order written, each once', () => {
    expect(Array.from(parseIndices('0-3,120, 2 ,200-202', 1000))).toEqual([0, 1, 2, 3, 120, 200, 201, 202])
    expect(parseIndices('0-99,120,200-210', 1000)).toHaveLength(112)
  })

  it('rejects indices past the end, backwards ranges and text that is not a selection', () => {
    expect(() => parseIndices('5-10', 8)).toThrow(/Index 8 .* past the last image \(7\)/)
    expect(() => parseIndices('10-5', 100)).toThrow(/runs backwards/)
    expect(() => parseIndices('1,two', 100)).toThrow(/"two" .* is not an index or a range/)
    expect(() => parseIndices('-3', 100)).toThrow(/not an index/)
  })
})

describe('selectSamples', () => {
  const labels = Int32Array.from({ length: 100 }, (_, i) => i % 10)

  it('draws n distinct indices reproducibly from a seed, sorted by default', () => {
    const a = selectSamples({ n: 10, seed: 7 }, labels)
    expect(a).toHaveLength(10)
    expect(new Set(a).size).toBe(10)
    expect(Array.from(a)).toEqual([...a].sort((x, y) => x - y))
    expect(Array.from(selectSamples({ n: 10, seed: 7 }, labels))).toEqual(Array.from(a))
    expect(Array.from(selectSamples({ n: 10, seed: 8 }, labels))).not.toEqual(Array.from(a))
  })

  it('keeps the first k picks when n grows, in drawn order', () => {
    const small = selectSamples({ n: 5, seed: 3, order: 'chosen' }, labels)
    const large = selectSamples({ n: 20, seed: 3, order: 'chosen' }, labels)
    expect(Array.from(large.subarray(0, 5))).toEqual(Array.from(small))
  })

  it('filters by class and by an index list before drawing', () => {
    const sevens = selectSamples({ class: 7 }, labels)
    expect(Array.from(sevens)).toEqual([7, 17, 27, 37, 47, 57, 67, 77, 87, 97])
    const picked = selectSamples({ class: [1, 2], indices: parseIndices('0-30', 100), n: 3, seed: 1 }, labels)
    expect(picked).toHaveLength(3)
    for (const i of picked) expect([1, 2]).toContain(labels[i])
    expect(selectSamples({ n: 50, class: 3 }, labels)).toHaveLength(10)
  })

  it('works on real labels: 10 per class from the embedded MNIST subset', async () => {
    const d = await openDataset(join(RESOURCES, 'datasets', 'mnist'))
    for (let c = 0; c < 10; c++) {
      const picks = selectSamples({ n: 10, seed: 0, class: c }, d.labels())
      expect(picks).toHaveLength(10)
      for (const i of picks) expect(d.labels()[i]).toBe(c)
    }
    expect(() => selectSamples({ indices: [5000] }, d.labels())).toThrow(/outside the data set/)
  })
})
