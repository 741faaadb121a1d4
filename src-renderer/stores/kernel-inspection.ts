import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { Evaluation, Theorem1Check } from '../../src-main/protocol/models'
import { useModelScope, useResultScope } from './result-scope'

/**
 * The Kernels view's choices and results. The layer and radius belong to the open model: another
 * model has other layer names and kernel sizes, so they reset when the model changes.
 */
export const useKernelInspection = defineStore('kernel-inspection', () => {
  /** Empty: the model's first conv layer. */
  const layer = ref('')
  /** null: the default for the layer's kernel size. */
  const radius = ref<number | null>(null)
  const rule = ref<'strict' | 'inclusive'>('strict')
  const mode = ref<'kernel' | 'padded'>('kernel')
  const view = ref<'weights' | 'spectrum'>('weights')
  const sortBy = ref<'index' | 'energy'>('index')
  const evalN = ref(1000)
  const accuracies = ref<{ original: Evaluation; d2: Evaluation } | null>(null)
  const theorem = ref<Theorem1Check | null>(null)

  const modelScope = useModelScope()
  const scope = useResultScope()
  watch(modelScope, () => {
    layer.value = ''
    radius.value = null
  })
  watch(scope, () => {
    accuracies.value = null
    theorem.value = null
  })

  return { layer, radius, rule, mode, view, sortBy, evalN, accuracies, theorem, modelScope, scope }
})
