import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { EngineInfo } from '../../src-main/protocol/engine'
import { lab } from '../lab-client'

export const useEngine = defineStore('engine', () => {
  const info = ref<EngineInfo | null>(null)
  const error = ref('')
  async function refresh() {
    try {
      info.value = await lab.call('engine.info', {})
      error.value = ''
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    }
  }
  return { info, error, refresh }
})
