import { describe, expect, it } from 'vitest'
import { closeCallFor, OPEN_LIMITS, OpenJournal, RECIPE_LIMIT } from '../../../../src-main/engine/session/open-journal'

describe('OpenJournal', () => {
  it('records each id once, most recently opened last', () => {
    const journal = new OpenJournal()
    journal.record('data.open', { path: '/a' }, 'ds-a')
    journal.record('data.open', { path: '/b' }, 'ds-b')
    journal.record('data.open', { path: '/a' }, 'ds-a')
    expect(journal.list().map((e) => e.id)).toEqual(['ds-b', 'ds-a'])
  })

  it('evicts the least recently opened past the limit and says what to close', () => {
    const journal = new OpenJournal()
    const evicted = []
    for (let k = 0; k <= OPEN_LIMITS.datasets; k++) evicted.push(...journal.record('data.open', { path: `/d${k}` }, `ds-${k}`))
    expect(evicted.map((e) => e.id)).toEqual(['ds-0'])
    expect(closeCallFor(evicted[0])).toEqual({ method: 'data.close', params: { datasetId: 'ds-0' } })
    expect(journal.list()).toHaveLength(OPEN_LIMITS.datasets)
  })

  it('keeps a variant after its model when the model is reopened, and drops it with the model', () => {
    const journal = new OpenJournal()
    journal.record('model.open', { path: '/m' }, 'm-1')
    journal.record('model.variant', { modelId: 'm-1', defense: { kind: 'd1', radius: 4 } }, 'mv-1')
    journal.record('model.open', { path: '/n' }, 'm-2')
    journal.record('model.open', { path: '/m' }, 'm-1')
    expect(journal.list().map((e) => e.id)).toEqual(['m-2', 'm-1', 'mv-1'])
    expect(journal.forget('m-1').map((e) => e.id)).toEqual(['m-1', 'mv-1'])
    expect(closeCallFor({ id: 'mv-1', kind: 'variants' })).toEqual({ method: 'model.close', params: { modelId: 'mv-1' } })
    expect(journal.list().map((e) => e.id)).toEqual(['m-2'])
  })

  it('closes the variants of an evicted model with it', () => {
    const journal = new OpenJournal()
    journal.record('model.open', { path: '/m0' }, 'm-0')
    journal.record('model.variant', { modelId: 'm-0', defense: { kind: 'd1', radius: 2 } }, 'mv-0')
    let evicted: string[] = []
    for (let k = 1; k <= OPEN_LIMITS.models; k++)
      evicted = [...evicted, ...journal.record('model.open', { path: `/m${k}` }, `m-${k}`).map((e) => e.id)]
    expect(evicted).toEqual(['m-0', 'mv-0'])
  })

  it('remembers how a closed id was opened, for the last RECIPE_LIMIT closed ids', () => {
    const journal = new OpenJournal()
    journal.record('model.open', { path: '/m' }, 'm-1')
    journal.record('model.variant', { modelId: 'm-1', defense: { kind: 'd1', radius: 4 } }, 'mv-1')
    journal.forget('m-1')
    expect(journal.has('mv-1')).toBe(false)
    expect(journal.recipe('mv-1')).toMatchObject({ method: 'model.variant', parent: 'm-1' })
    expect(journal.recipe('m-1')).toMatchObject({ method: 'model.open', params: { path: '/m' } })
    for (let k = 0; k < RECIPE_LIMIT; k++) {
      journal.record('data.open', { path: `/d${k}` }, `ds-${k}`)
      journal.forget(`ds-${k}`)
    }
    expect(journal.recipe('m-1')).toBeUndefined()
    expect(journal.recipe(`ds-${RECIPE_LIMIT - 1}`)).toMatchObject({ params: { path: `/d${RECIPE_LIMIT - 1}` } })
  })
})
