import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { CurveEntryData, CurveExamples, CurveRun, EvalProtocol, Norm } from '../../src-main/protocol/attacks'
import { useModels } from './models'
import { useResultScope } from './result-scope'

/** The defenses a new analyst starts with; D2 at the open model's default radius, if it has one. */
const defaultDefenses = (d2: number | null) => (d2 === null ? 'none, d1:8' : `none, d1:8, d2:${d2}`)

/** The Attacks view's form and its last run, kept while the analyst visits other views. */
export const useAttackRun = defineStore('attack-run', () => {
  const enabled = ref<Record<string, boolean>>({ hf: true, fgsm: true, 'salt-pepper': false })
  const params = ref<Record<string, Record<string, unknown>>>({})
  const n = ref(32)
  const seed = ref(0)
  const classIndex = ref<number | 'all'>('all')
  const models = useModels()
  const defenses = ref(defaultDefenses(models.d2Default))
  // Follows the model's kernel size until the analyst types defenses of their own.
  watch(
    () => models.d2Default,
    (radius, before) => {
      if (defenses.value === defaultDefenses(before)) defenses.value = defaultDefenses(radius)
    },
  )
  const protocols = ref<Record<EvalProtocol, boolean>>({ transfer: true, direct: false, adaptive: false })
  const norm = ref<Norm>('linf')
  const live = ref<CurveEntryData[]>([])
  /** The streamed curves are all there is: the sweep was cancelled before it ended. */
  const liveCancelled = ref(false)
  const run = ref<CurveRun | null>(null)
  const examples = ref<(CurveExamples & { title: string }) | null>(null)
  const error = ref('')
  const running = ref(false)

  const scope = useResultScope()
  watch(scope, () => {
    live.value = []
    liveCancelled.value = false
    run.value = null
    examples.value = null
    error.value = ''
  })

  return { enabled, params, n, seed, classIndex, defenses, protocols, norm, live, liveCancelled, run, examples, error, running, scope }
})
