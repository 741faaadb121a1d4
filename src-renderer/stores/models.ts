import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { defaultD2Radius, modelSpecSchema, type ModelSpec, type OpenedModel } from '../../src-main/protocol/models'
import { lab } from '../lab-client'
import { errorText } from '../lib/error-text'
import { loadRecent, saveRecent, withoutRecent, withRecent } from '../lib/recent'
import { useJobs } from './jobs'

async function firstConvOf(model: OpenedModel): Promise<{ layer: string; kernelSize: number } | null> {
  if (!model.info.convLayers.length) return null
  try {
    const report = await lab.call('model.kernels', { modelId: model.id, layer: model.info.convLayers[0], radius: 0 })
    return { layer: report.layer, kernelSize: report.kernelShape[0] }
  } catch {
    // Only the default radius depends on it; D2 itself then reports what is wrong when used.
    return null
  }
}

const RECENT_KEY = 'hfc-lab.recent-models'
const parseSpec = (value: unknown) => {
  const parsed = modelSpecSchema.safeParse(value)
  return parsed.success ? parsed.data : null
}

/** The model the analyst works with, and its predictions per data set (for grid overlays and filters). */
export const useModels = defineStore('models', () => {
  const current = ref<OpenedModel | null>(null)
  /** How the open model was opened, so a run in the history can open it again. */
  const currentSpec = ref<ModelSpec | null>(null)
  const recent = ref<ModelSpec[]>(loadRecent(localStorage, RECENT_KEY, parseSpec))
  const error = ref('')
  const predictions = shallowRef(new Map<string, Int32Array>())
  /** Kernel size and name of the first conv layer (null: the model has none), for D2's default radius. */
  const firstConv = ref<{ layer: string; kernelSize: number } | null>(null)
  const d2Default = computed(() => (firstConv.value ? defaultD2Radius(firstConv.value.kernelSize) : null))
  /** Said wherever D2 is offered, so the default radius is never a silent no-op. */
  const d2Note = computed(() => {
    const conv = firstConv.value
    if (!conv) return current.value ? 'D2 needs a model with convolution layers (TF.js or Keras).' : ''
    const k = conv.kernelSize
    const all = Math.SQRT2 * Math.floor(k / 2)
    return `D2 default r = ${d2Default.value}: half the ${k}×${k} kernel width of ${conv.layer} (from r > ${all.toFixed(2)} it keeps every bin and changes nothing).`
  })

  let opens = 0

  /** Opens a model; when opens overlap, the one started last wins, whichever finishes first. */
  async function open(spec: ModelSpec): Promise<boolean> {
    const ticket = ++opens
    try {
      const opened = await lab.call('model.open', spec)
      const conv = await firstConvOf(opened)
      // A superseded open is not closed: the same file opens under the same id, so the later open may
      // hold it too (the host's cap on open models bounds what such opens leave behind).
      if (ticket !== opens) return false
      const replaced = current.value
      firstConv.value = conv
      current.value = opened
      currentSpec.value = spec
      if (spec.path) {
        recent.value = withRecent(recent.value, spec)
        saveRecent(localStorage, RECENT_KEY, recent.value)
      }
      // A model holds its weights and onnxruntime sessions in every worker: what the user replaces is closed.
      if (replaced && replaced.id !== opened.id) void lab.call('model.close', { modelId: replaced.id }).catch(() => undefined)
      predictions.value = new Map()
      error.value = ''
      return true
    } catch (e) {
      if (ticket === opens) error.value = errorText(e)
      return false
    }
  }

  /** The embedded MNIST model, opened with the app so the first run has a model and data, as the README promises. */
  async function ensureDefault(): Promise<void> {
    if (current.value || opens > 0) return
    const defaults = await lab.call('model.defaults', {})
    if (!current.value && opens === 0 && defaults.some((d) => d.id === 'mnist' && d.available)) await open({ defaultId: 'mnist' })
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

  function removeRecent(path: string): void {
    recent.value = withoutRecent(recent.value, path)
    saveRecent(localStorage, RECENT_KEY, recent.value)
  }

  return { current, currentSpec, recent, error, firstConv, d2Default, d2Note, open, ensureDefault, predict, predictionsFor, removeRecent }
})
