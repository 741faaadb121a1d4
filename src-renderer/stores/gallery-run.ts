import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import type { GalleryExportSummary, GalleryRowsPartial, GallerySummary } from '../../src-main/protocol/gallery'
import { useResultScope } from './result-scope'

export type GalleryRow = GalleryRowsPartial['rows'][number]

/** The Gallery view's form, its rows and summary, and the last export. */
export const useGalleryRun = defineStore('gallery-run', () => {
  const chosen = ref<Record<string, boolean>>({ hf: true, 'single-pixel': true, 'salt-pepper': true })
  const hfRMin = ref<number | null>(null)
  const selectionMode = ref<'first' | 'random' | 'class' | 'misclassified'>('first')
  const n = ref(16)
  const seed = ref(0)
  const classIndex = ref(0)
  const defense = ref('none')
  const show = ref<'image' | 'perturbation' | 'spectrum'>('image')
  const filter = ref<string>('all')
  const rows = shallowRef<GalleryRow[]>([])
  const summary = ref<GallerySummary | null>(null)
  const exported = ref<GalleryExportSummary | null>(null)
  const outDir = ref('')
  const force = ref(false)
  const error = ref('')

  const scope = useResultScope()
  watch(scope, () => {
    rows.value = []
    summary.value = null
    exported.value = null
    error.value = ''
  })

  return { chosen, hfRMin, selectionMode, n, seed, classIndex, defense, show, filter, rows, summary, exported, outDir, force, error, scope }
})
