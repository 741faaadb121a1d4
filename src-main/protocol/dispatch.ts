import { ERROR_CODES, LabCallError } from './errors'
import type { LabApi } from './lab-api'
import type { ClientMessage, ServerMessage } from './messages'
import { isMethodName } from './methods'

/**
 * The server side of a client connection (an Electron window, a WebSocket): runs validated calls
 * on the engine, streams their events back, and cancels them on request or when the client goes.
 */
export function createDispatcher(
  engine: LabApi,
  reply: (message: ServerMessage) => void,
  decodeParams: (params: unknown) => unknown = (p) => p,
) {
  const running = new Map<string, AbortController>()
  return {
    handle(message: ClientMessage): void {
      if (message.type === 'cancel') {
        running.get(message.id)?.abort()
        return
      }
      const { id, method } = message
      if (running.has(id))
        return reply({ type: 'error', id, error: { code: ERROR_CODES.invalidRequest, message: `Call id ${id} is already running.` } })
      if (!isMethodName(method))
        return reply({ type: 'error', id, error: { code: ERROR_CODES.unknownMethod, message: `Unknown method "${method}".` } })
      let params: unknown
      try {
        params = decodeParams(message.params)
      } catch (error) {
        return reply({
          type: 'error',
          id,
          error: {
            code: ERROR_CODES.invalidRequest,
            message: `Invalid parameters for ${method}: ${error instanceof Error ? error.message : String(error)}.`,
          },
        })
      }
      const controller = new AbortController()
      running.set(id, controller)
      engine
        .call(method, params as never, {
          signal: controller.signal,
          onProgress: (progress) => reply({ type: 'progress', id, progress }),
          onPartial: (data) => reply({ type: 'partial', id, data }),
        })
        .then(
          (result) => reply({ type: 'result', id, result }),
          (error: unknown) => {
            if (error instanceof LabCallError && error.code === ERROR_CODES.cancelled) reply({ type: 'cancelled', id })
            else if (error instanceof LabCallError)
              reply({ type: 'error', id, error: { code: error.code, message: error.message, detail: error.detail } })
            else reply({ type: 'error', id, error: { code: ERROR_CODES.internal, message: String(error) } })
          },
        )
        .finally(() => running.delete(id))
    },
    abortAll(): void {
      for (const controller of running.values()) controller.abort()
      running.clear()
    },
  }
}
