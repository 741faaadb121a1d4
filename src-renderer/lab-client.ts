import { LabCallError } from '../src-main/protocol/errors'
import type { CallOptions, LabApi, LabBridge } from '../src-main/protocol/lab-api'
import type { MethodName, Params, PartialOf, Result } from '../src-main/protocol/methods'
import { createWebBridge } from './web-bridge'

declare global {
  interface Window {
    lab?: LabBridge
  }
}

function pickBridge(): LabBridge {
  if (window.lab) return window.lab
  const token = new URLSearchParams(location.search).get('token') ?? ''
  return createWebBridge(token)
}

export const bridge: LabBridge = pickBridge()

/** The renderer's only way into the engine, identical in Electron and in the browser host. */
export const lab: LabApi = {
  call<M extends MethodName>(method: M, params: Params<M>, options: CallOptions<PartialOf<M>> = {}): Promise<Result<M>> {
    return new Promise((resolve, reject) => {
      const id = bridge.start(method, params, (event) => {
        switch (event.type) {
          case 'progress':
            return options.onProgress?.(event.progress)
          case 'partial':
            // The engine's messages are checked on arrival (messages.ts); partials, like results, are typed by the method.
            return options.onPartial?.(event.data as PartialOf<M>)
          case 'result':
            return resolve(event.result as Result<M>)
          case 'error':
            return reject(new LabCallError(event.error))
          case 'cancelled':
            return reject(new LabCallError({ code: 'CANCELLED', message: 'The job was cancelled.' }))
        }
      })
      options.signal?.addEventListener('abort', () => bridge.cancel(id), { once: true })
    })
  },
}
