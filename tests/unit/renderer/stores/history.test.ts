import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import type { Evaluation } from '../../../../src-main/protocol/models'
import { LabCallError } from '../../../../src-main/protocol/errors'

// The engine behind the stores: models and data sets open by spec, a path named "gone" does not exist.
const calls: { method: string; params: Record<string, unknown> }[] = []
vi.mock('../../../../src-renderer/lab-client', () => ({
  bridge: {},
  lab: {
    call: (method: string, params: Record<string, unknown>) => {
      calls.push({ method, params })
      const name = String(params.path ?? params.defaultId)
      if (name.includes('gone')) return Promise.reject(new LabCallError({ code: 'DATA_NOT_FOUND', message: `${name} does not exist.` }))
      if (method === 'model.open') return Promise.resolve({ id: `m-${name}`, info: { name, convLayers: [] } })
      if (method === 'data.open') return Promise.resolve({ id: `d-${name}`, info: { name } })
      if (method === 'data.labels') return Promise.resolve({ labels: new Int32Array(3) })
      return Promise.resolve({ closed: true })
    },
  },
}))

const { useHistory } = await import('../../../../src-renderer/stores/history')
const { useModelEvaluation } = await import('../../../../src-renderer/stores/model-evaluation')
const { useModels } = await import('../../../../src-renderer/stores/models')
const { useWorkspace } = await import('../../../../src-renderer/stores/workspace')

const evaluation = { accuracy: 0.75, n: 4 } as Evaluation

describe('the session run history', () => {
  beforeEach(() => {
    const stored = new Map<string, string>()
    vi.stubGlobal('localStorage', { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => stored.set(k, v) })
    setActivePinia(createPinia())
    calls.length = 0
  })

  it('records a run under the model and data set open when it started, with its numbers', async () => {
    const models = useModels()
    const workspace = useWorkspace()
    await models.open({ path: '/models/a.h5' })
    await workspace.openDataset({ defaultId: 'mnist' })
    const history = useHistory()
    const started = history.context()
    await models.open({ path: '/models/b.h5' })
    const run = history.record(started, 'evaluation', { limit: 4 }, evaluation)
    expect(run.model).toEqual({ name: '/models/a.h5', spec: { path: '/models/a.h5' } })
    expect(run.dataset.spec).toEqual({ defaultId: 'mnist' })
    expect(run.headline).toEqual([
      { label: 'accuracy', value: 0.75, format: 'percent' },
      { label: 'images', value: 4, format: 'count' },
    ])
    expect(history.runs.map((r) => r.id)).toEqual([run.id])
  })

  it('re-opens a run in its view, opening its model again first, so the view scope does not clear it', async () => {
    const models = useModels()
    const workspace = useWorkspace()
    await models.open({ path: '/models/a.h5' })
    await workspace.openDataset({ defaultId: 'mnist' })
    const history = useHistory()
    const run = history.record(history.context(), 'evaluation', {}, evaluation)
    const state = useModelEvaluation()
    state.evaluation = evaluation
    await models.open({ path: '/models/b.h5' })
    await nextTick()
    // Another model: the view's store dropped the result that belonged to the first.
    expect(state.evaluation).toBeNull()
    calls.length = 0
    expect(await history.reopen(run.id)).toBe('/model')
    expect(models.current?.id).toBe('m-/models/a.h5')
    expect(calls.filter((c) => c.method === 'model.open')).toHaveLength(1)
    expect(calls.some((c) => c.method === 'data.open')).toBe(false)
    await nextTick()
    expect(state.evaluation).toEqual(evaluation)
  })

  it('answers null when the run\u2019s data set is gone, and leaves the open one', async () => {
    const workspace = useWorkspace()
    await useModels().open({ defaultId: 'mnist' })
    await workspace.openDataset({ path: '/data/gone' }).then((ok) => expect(ok).toBe(false))
    const history = useHistory()
    const run = history.record(
      { model: { name: 'mnist', spec: { defaultId: 'mnist' } }, dataset: { name: 'gone', spec: { path: '/data/gone' } } },
      'evaluation',
      {},
      evaluation,
    )
    await workspace.openDataset({ defaultId: 'mnist' })
    expect(await history.reopen(run.id)).toBeNull()
    expect(workspace.error).toContain('[DATA_NOT_FOUND]')
    expect(workspace.dataset?.id).toBe('d-mnist')
  })

  it('keeps at most MAX_RUNS, newest first, and removes one on request', async () => {
    const history = useHistory()
    const ctx = history.context()
    for (let i = 0; i < 55; i++) history.record(ctx, 'evaluation', { i }, evaluation)
    expect(history.runs).toHaveLength(50)
    expect(history.runs[0].params).toEqual({ i: 54 })
    history.remove(history.runs[0].id)
    expect(history.runs[0].params).toEqual({ i: 53 })
  })

  it('lists models opened from a path as recent, and forgets a removed one across sessions', async () => {
    const models = useModels()
    await models.open({ path: '/models/a.h5' })
    await models.open({ defaultId: 'mnist' })
    await models.open({ path: '/models/b.h5', preprocessing: { inputRange: [0, 255] } })
    expect(models.recent).toEqual([{ path: '/models/b.h5', preprocessing: { inputRange: [0, 255] } }, { path: '/models/a.h5' }])
    models.removeRecent('/models/a.h5')
    setActivePinia(createPinia())
    expect(useModels().recent).toEqual([{ path: '/models/b.h5', preprocessing: { inputRange: [0, 255] } }])
  })
})
