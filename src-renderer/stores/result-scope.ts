import { computed, type ComputedRef } from 'vue'
import { useModels } from './models'
import { useWorkspace } from './workspace'

/**
 * What results belong to: the open model and data set. A view's store clears its results when this
 * changes, and a job checks it when it finishes, so a result never shows under another model.
 */
export function useResultScope(): ComputedRef<string> {
  const models = useModels()
  const workspace = useWorkspace()
  return computed(() => `${models.current?.id ?? ''}|${workspace.dataset?.id ?? ''}`)
}

/** The open model alone, for results that do not depend on the data set (a model's kernels). */
export function useModelScope(): ComputedRef<string> {
  const models = useModels()
  return computed(() => models.current?.id ?? '')
}
