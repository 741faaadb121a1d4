import { defineStore } from 'pinia'
import { ref } from 'vue'
import { datasetSpecSchema, type DatasetSpec, type OpenedDataset } from '../../src-main/protocol/data'
import { lab } from '../lab-client'
import { errorText } from '../lib/error-text'
import { loadRecent, saveRecent, withoutRecent, withRecent } from '../lib/recent'

const RECENT_KEY = 'hfc-lab.recent-datasets'
const parseSpec = (value: unknown) => {
  const parsed = datasetSpecSchema.safeParse(value)
  return parsed.success ? parsed.data : null
}

/** What the analyst has open: the current data set (and its labels); models live in the model store. */
export const useWorkspace = defineStore('workspace', () => {
  const dataset = ref<OpenedDataset | null>(null)
  const datasetSpec = ref<DatasetSpec | null>(null)
  const labels = ref<Int32Array>(new Int32Array(0))
  const recent = ref<DatasetSpec[]>(loadRecent(localStorage, RECENT_KEY, parseSpec))
  const error = ref('')
  const opening = ref(false)

  async function openDataset(spec: DatasetSpec): Promise<boolean> {
    opening.value = true
    try {
      const opened = await lab.call('data.open', spec)
      const { labels: all } = await lab.call('data.labels', { datasetId: opened.id })
      const replaced = dataset.value
      // The engine keeps a file handle per data set and worker: what the user replaces is closed.
      if (replaced && replaced.id !== opened.id) void lab.call('data.close', { datasetId: replaced.id }).catch(() => undefined)
      dataset.value = opened
      datasetSpec.value = spec
      labels.value = all
      error.value = ''
      if (spec.path) {
        recent.value = withRecent(recent.value, spec)
        saveRecent(localStorage, RECENT_KEY, recent.value)
      }
      return true
    } catch (e) {
      error.value = errorText(e)
      return false
    } finally {
      opening.value = false
    }
  }

  async function ensureDefault(): Promise<void> {
    if (!dataset.value && !opening.value) await openDataset({ defaultId: 'mnist' })
  }

  function removeRecent(path: string): void {
    recent.value = withoutRecent(recent.value, path)
    saveRecent(localStorage, RECENT_KEY, recent.value)
  }

  return { dataset, datasetSpec, labels, recent, error, opening, openDataset, ensureDefault, removeRecent }
})
