import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ModelSpec, OpenedModel } from '../../src-main/protocol/models'
import { lab } from '../lab-client'
import { errorText } from '../lib/error-text'
import { useJobs } from './jobs'

/** The model the analyst works with, and its predictions per data set (for grid overlays and filters). */
export const useModels = defineStore('models', () => {
  const current = ref<OpenedModel | null>(null)
  const error = ref('')
  const predictions = shallowRef(new Map<string, Int32Array>())

  async function open(spec: ModelSpec): Promise<boolean> {
    try {
      const opened = await lab.call('model.open', spec)
      const replaced = current.value
      // A model holds its weights and onnxruntime sessions in every worker: what the user replaces is closed.
      if (replaced && replaced.id !== opened.id) void lab.call('model.close', { modelId: replaced.id }).catch(() => undefined)
      current.value = opened
      predictions.value = new Map()
      error.value = ''
      return true
    } catch (e) {
      error.value = errorText(e)
      return false
    }
  }

  async function predict(datasetId: string, count: number): Promise<void> {
    if (!current.value) return
    const jobs = useJobs()
    const result = await jobs.run('Predict', 'model.predict', { modelId: current.value.id, datasetId })
    if (!result) return
    const all = new Int32Array(count).fill(-1)
    result.indices.forEach((index, k) => (all[index] = result.labels[k]))
    predictions.value = new Map(predictions.value).set(datasetId, all)
  }

  function predictionsFor(datasetId: string): Int32Array | undefined {
    return predictions.value.get(datasetId)
  }

  return { current, error, open, predict, predictionsFor }
})
