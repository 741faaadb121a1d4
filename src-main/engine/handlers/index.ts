import { engineHandlers } from './engine'
import type { HandlerTable } from './types'

export const handlers: HandlerTable = {
  ...engineHandlers,
}
