import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { EngineInfo } from '../../src-main/protocol/engine'
import { lab } from '../lab-client'
import { errorText } from '../lib/error-text'

export const useEngine = defineStore('engine', () => {
  const info = ref<EngineInfo | null>(null)
  const error = ref('')
  async function refresh() {
    try {
      info.value = await lab.call('engine.info', {})
      error.value = ''
    } catch (e) {
      error.value = errorText(e)
    }
  }
  return { info, error, refresh }
})
