import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { useWorkspace } from './workspace'

/** The Data view's filters and selected image, kept across views; reset when another data set opens. */
export const useDataBrowse = defineStore('data-browse', () => {
  const workspace = useWorkspace()
  const classFilter = ref<number | 'all'>('all')
  const correctness = ref<'all' | 'correct' | 'incorrect'>('all')
  const selected = ref<number | null>(null)

  watch(
    () => workspace.dataset?.id,
    () => {
      classFilter.value = 'all'
      correctness.value = 'all'
      selected.value = workspace.labels.length ? 0 : null
    },
    { immediate: true },
  )

  return { classFilter, correctness, selected }
})
