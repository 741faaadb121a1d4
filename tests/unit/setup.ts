import { beforeAll } from 'vitest'
import { chooseBackend } from '../../src-main/engine/compute/backend'

// Unit tests run the engine in-process on the same backend the app picks offline.
beforeAll(async () => {
  await chooseBackend('wasm')
})
