import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { Evaluation } from '../../src-main/protocol/models'
import { useResultScope } from './result-scope'

/** The Model view's evaluation form and its last result, for the open model and data set only. */
export const useModelEvaluation = defineStore('model-evaluation', () => {
  const limit = ref<number | null>(null)
  const defenseKind = ref<'none' | 'd1' | 'd2'>('none')
  const d1Radius = ref(8)
  /** Empty until the model's first kernel size gives D2 its default radius. */
  const d2Radii = ref('')
  const evaluation = ref<Evaluation | null>(null)
  const error = ref('')

  const scope = useResultScope()
  watch(scope, () => {
    evaluation.value = null
    error.value = ''
  })

  return { limit, defenseKind, d1Radius, d2Radii, evaluation, error, scope }
})
