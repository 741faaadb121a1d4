import { describe, expect, it } from 'vitest'
import { datasetSpecSchema, type DatasetSpec } from '../../../../src-main/protocol/data'
import { loadRecent, MAX_RECENT, saveRecent, withoutRecent, withRecent, type RecentStorage } from '../../../../src-renderer/lib/recent'

function memory(initial: Record<string, string> = {}): RecentStorage & { data: Record<string, string> } {
  const data = { ...initial }
  return { data, getItem: (key) => data[key] ?? null, setItem: (key, value) => void (data[key] = value) }
}
const parse = (value: unknown) => {
  const parsed = datasetSpecSchema.safeParse(value)
  return parsed.success ? parsed.data : null
}

describe('recent items', () => {
  it('puts the latest open first, once per path, with its latest options, and keeps at most MAX_RECENT', () => {
    let list = withRecent<DatasetSpec>([], { path: '/data/a' })
    list = withRecent(list, { path: '/data/b' })
    list = withRecent(list, { path: '/data/a', size: [32, 32] })
    expect(list).toEqual([{ path: '/data/a', size: [32, 32] }, { path: '/data/b' }])
    for (let i = 0; i < 20; i++) list = withRecent(list, { path: `/data/${i}` })
    expect(list).toHaveLength(MAX_RECENT)
    expect(list[0].path).toBe('/data/19')
  })

  it('does not list embedded defaults: they are always in the default menu', () => {
    expect(withRecent([{ path: '/x' }], { defaultId: 'mnist' })).toEqual([{ path: '/x' }])
  })

  it('removes one path and leaves the others', () => {
    expect(withoutRecent([{ path: '/a' }, { path: '/b' }], '/a')).toEqual([{ path: '/b' }])
  })

  it('survives a save and load, and drops stored entries that are not valid specs', () => {
    const storage = memory()
    saveRecent(storage, 'k', [{ path: '/data/a' }, { path: '/data/b' }])
    expect(loadRecent(storage, 'k', parse)).toEqual([{ path: '/data/a' }, { path: '/data/b' }])
    storage.data.k = JSON.stringify([
      { path: '/ok' },
      { path: 42 },
      'junk',
      null,
      { defaultId: 'mnist' },
      { path: '/also-ok', size: [8, 8] },
    ])
    expect(loadRecent(storage, 'k', parse)).toEqual([{ path: '/ok' }, { path: '/also-ok', size: [8, 8] }])
  })

  it('reads corrupt or missing storage as an empty list, and a storage that refuses writes loses only the list', () => {
    expect(loadRecent(memory({ k: '{not json' }), 'k', parse)).toEqual([])
    expect(loadRecent(memory({ k: '{"path":"/a"}' }), 'k', parse)).toEqual([])
    expect(loadRecent(memory(), 'k', parse)).toEqual([])
    const full: RecentStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError')
      },
    }
    expect(() => saveRecent(full, 'k', [{ path: '/a' }])).not.toThrow()
  })
})
