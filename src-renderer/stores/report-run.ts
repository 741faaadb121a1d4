import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import {
  REPORT_SECTIONS,
  type ReportPartial,
  type ReportPreset,
  type ReportSectionId,
  type ReportSummary,
} from '../../src-main/protocol/report'
import { useResultScope } from './result-scope'

export interface SectionState {
  status: 'waiting' | 'running' | 'done'
  seconds: number
  summary: string
  resumed: boolean
}

const waiting = (): Record<ReportSectionId, SectionState> =>
  Object.fromEntries(REPORT_SECTIONS.map((s) => [s, { status: 'waiting', seconds: 0, summary: '', resumed: false }])) as Record<
    ReportSectionId,
    SectionState
  >

/** The Report view's form, the state of each section of the running report, and the last report written. */
export const useReportRun = defineStore('report-run', () => {
  const preset = ref<ReportPreset>('quick')
  const limit = ref<number | null>(null)
  const seed = ref(0)
  const outDir = ref('')
  const force = ref(false)
  const sections = ref(waiting())
  const running = ref(false)
  const written = shallowRef<ReportSummary | null>(null)
  const error = ref('')

  function reset(): void {
    sections.value = waiting()
    written.value = null
    error.value = ''
  }

  /** Applies one partial of report.run to the section it names. */
  function onPartial(partial: ReportPartial): void {
    if (partial.type !== 'report-section') return
    const s = sections.value[partial.section]
    if (partial.status === 'running') s.status = 'running'
    else Object.assign(s, { status: 'done', seconds: partial.seconds, summary: partial.summary, resumed: partial.resumed })
  }

  const scope = useResultScope()
  watch(scope, () => {
    if (!running.value) reset()
  })

  return { preset, limit, seed, outDir, force, sections, running, written, error, reset, onPartial, scope }
})
