import { defineStore } from 'pinia'
import { ref } from 'vue'
import { LabCallError } from '../../src-main/protocol/errors'
import { errorText } from '../lib/error-text'
import type { MethodName, Params, PartialOf, Result } from '../../src-main/protocol/methods'
import { lab } from '../lab-client'

export interface JobView {
  id: number
  label: string
  done: number
  total: number
  phase: string
  state: 'running' | 'done' | 'cancelled' | 'failed'
  message: string
  cancel(): void
}

let nextJob = 0

/** Every long call the UI starts, with its progress and a cancel button in the status bar. */
export const useJobs = defineStore('jobs', () => {
  const jobs = ref<JobView[]>([])

  async function run<M extends MethodName>(
    label: string,
    method: M,
    params: Params<M>,
    onPartial?: (data: PartialOf<M>) => void,
  ): Promise<Result<M> | null> {
    const controller = new AbortController()
    const job: JobView = {
      id: ++nextJob,
      label,
      done: 0,
      total: 1,
      phase: '',
      state: 'running',
      message: '',
      cancel: () => controller.abort(),
    }
    jobs.value.unshift(job)
    const view = jobs.value[0]
    try {
      const result = await lab.call(method, params, {
        signal: controller.signal,
        onPartial,
        onProgress: (p) => {
          view.done = p.done
          view.total = p.total
          view.phase = p.phase ?? ''
        },
      })
      view.state = 'done'
      view.done = view.total
      return result
    } catch (error) {
      if (error instanceof LabCallError && error.code === 'CANCELLED') {
        view.state = 'cancelled'
        return null
      }
      view.state = 'failed'
      view.message = errorText(error)
      throw error
    } finally {
      setTimeout(() => {
        jobs.value = jobs.value.filter((j) => j.id !== view.id || j.state === 'running')
      }, 8000)
    }
  }

  return { jobs, run }
})
