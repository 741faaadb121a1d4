import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { FourierHeatmap } from '../../src-main/protocol/heatmap'
import type { Defense } from '../../src-main/protocol/models'
import { useJobs } from './jobs'
import { errorText } from '../lib/error-text'

/** The three variants a heat map is computed for: the model, its D1 and its D2 variant. */
export type Variant = 'none' | 'd1' | 'd2'
export const VARIANTS: Variant[] = ['none', 'd1', 'd2']

export interface HeatmapSettings {
  eps: number
  limit: number
  seed: number
  stride: number
  d1Radius: number
  d2Radius: number
  variants: Record<Variant, boolean>
}

/** What the maps were computed on, so a view can tell stale maps from current ones. */
export interface HeatmapRun {
  modelId: string
  modelName: string
  datasetId: string
  settings: HeatmapSettings
  maps: Partial<Record<Variant, FourierHeatmap>>
}

export function defenseOf(variant: Variant, settings: HeatmapSettings): Defense {
  if (variant === 'd1') return { kind: 'd1', radius: settings.d1Radius }
  if (variant === 'd2') return { kind: 'd2', radii: [settings.d2Radius] }
  return { kind: 'none' }
}

/** Fourier heat maps (docs/algorithms.md §Fourier heat map), kept across navigation. */
export const useHeatmaps = defineStore('heatmaps', () => {
  const settings = ref<HeatmapSettings>({
    eps: 6,
    limit: 100,
    seed: 0,
    stride: 1,
    d1Radius: 8,
    d2Radius: 2,
    variants: { none: true, d1: true, d2: true },
  })
  const run = ref<HeatmapRun | null>(null)
  const running = ref(false)
  const error = ref('')

  /** Computes the map of every chosen variant, one job each; maps appear as they finish. */
  async function compute(model: { id: string; name: string }, datasetId: string): Promise<void> {
    const jobs = useJobs()
    const frozen: HeatmapSettings = JSON.parse(JSON.stringify(settings.value)) as HeatmapSettings
    run.value = { modelId: model.id, modelName: model.name, datasetId, settings: frozen, maps: {} }
    running.value = true
    error.value = ''
    try {
      for (const variant of VARIANTS.filter((v) => frozen.variants[v])) {
        const defense = defenseOf(variant, frozen)
        const map = await jobs.run(`Fourier heat map (${variant === 'none' ? 'model' : variant.toUpperCase()})`, 'spectral.heatmap', {
          modelId: model.id,
          datasetId,
          defense,
          eps: frozen.eps,
          stride: frozen.stride,
          limit: frozen.limit,
          seed: frozen.seed,
        })
        if (!map) break
        run.value = { ...run.value!, maps: { ...run.value!.maps, [variant]: map } }
      }
    } catch (e) {
      error.value = errorText(e)
    } finally {
      running.value = false
    }
  }

  return { settings, run, running, error, compute }
})
