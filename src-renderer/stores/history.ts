import { defineStore } from 'pinia'
import { nextTick, shallowRef } from 'vue'
import { headlineOf, MAX_RUNS, RUN_VIEWS, type RunContext, type RunKind, type RunRecord, type RunResults } from '../lib/run-history'
import { useAttackRun } from './attack-run'
import { useGalleryRun } from './gallery-run'
import { useHeatmaps } from './heatmaps'
import { useModelEvaluation } from './model-evaluation'
import { useModels } from './models'
import { useSpectrumResults } from './spectrum-results'
import { useWorkspace } from './workspace'

let nextRun = 0
const sameSpec = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/** Every finished run of the session (newest first), each re-openable in its view and exportable. */
export const useHistory = defineStore('history', () => {
  // Shallow: results are large and never change once recorded.
  const runs = shallowRef<RunRecord[]>([])
  const models = useModels()
  const workspace = useWorkspace()

  /** The open model and data set, taken when a run starts. */
  function context(): RunContext {
    return {
      model: { name: models.current?.info.name ?? '', spec: models.currentSpec },
      dataset: { name: workspace.dataset?.info.name ?? '', spec: workspace.datasetSpec },
    }
  }

  function record<K extends RunKind>(
    started: RunContext,
    kind: K,
    params: Record<string, unknown>,
    result: RunResults[K],
    cancelled = false,
  ): RunRecord<K> {
    const run: RunRecord<K> = {
      ...started,
      id: ++nextRun,
      kind,
      at: new Date().toISOString(),
      params,
      headline: headlineOf(kind, result),
      cancelled,
      result,
    }
    runs.value = [run, ...runs.value].slice(0, MAX_RUNS)
    return run
  }

  function remove(id: number): void {
    runs.value = runs.value.filter((r) => r.id !== id)
  }

  /**
   * Shows a run in its view again. A run belongs to the model and data set it ran on: if others are
   * open now, those are opened again first (the views clear results of another model). Answers the
   * view's route, or null when the model or data set can no longer be opened (their stores say why).
   */
  async function reopen(id: number): Promise<string | null> {
    const run = runs.value.find((r) => r.id === id)
    if (!run) return null
    if (run.model.spec && !sameSpec(run.model.spec, models.currentSpec) && !(await models.open(run.model.spec))) return null
    if (run.dataset.spec && !sameSpec(run.dataset.spec, workspace.datasetSpec) && !(await workspace.openDataset(run.dataset.spec)))
      return null
    // The view stores clear their results when the scope changes: let that happen before restoring.
    await nextTick()
    restore(run)
    return RUN_VIEWS[run.kind]
  }

  return { runs, context, record, remove, reopen }
})

function restore(run: RunRecord): void {
  switch (run.kind) {
    case 'evaluation': {
      const state = useModelEvaluation()
      state.evaluation = (run as RunRecord<'evaluation'>).result
      state.error = ''
      return
    }
    case 'curves': {
      const state = useAttackRun()
      const { run: finished, entries } = (run as RunRecord<'curves'>).result
      const p = run.params as { n?: number; seed?: number; defenses?: string; norm?: typeof state.norm }
      if (p.n !== undefined) state.n = p.n
      if (p.seed !== undefined) state.seed = p.seed
      if (p.defenses !== undefined) state.defenses = p.defenses
      if (p.norm !== undefined) state.norm = p.norm
      state.run = finished
      state.live = entries
      state.liveCancelled = run.cancelled
      state.examples = null
      state.error = ''
      return
    }
    case 'figure1': {
      const state = useSpectrumResults()
      const result = (run as RunRecord<'figure1'>).result
      state.figure1 = result
      state.figure1Live = null
      state.radius = result.radius
      return
    }
    case 'radius-curve': {
      const state = useSpectrumResults()
      const result = (run as RunRecord<'radius-curve'>).result
      state.curve = result
      state.curveCancelled = run.cancelled
      state.curveTarget = typeof run.params.limit === 'number' ? run.params.limit : result.n
      return
    }
    case 'heatmap': {
      const state = useHeatmaps()
      state.run = (run as RunRecord<'heatmap'>).result
      state.error = ''
      return
    }
    case 'gallery': {
      const state = useGalleryRun()
      const { rows, summary, attacks } = (run as RunRecord<'gallery'>).result
      state.chosen = Object.fromEntries(attacks.map((a) => [a, true]))
      state.rows = rows
      state.summary = summary
      state.exported = null
      state.error = ''
    }
  }
}
