import { dialog, ipcMain, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron'
import { z } from 'zod'
import type { EngineHost } from '../engine/host'
import { ERROR_CODES, LabCallError } from '../protocol/errors'
import { clientMessageSchema, type ServerMessage } from '../protocol/messages'
import { isMethodName } from '../protocol/methods'

export const IPC = { send: 'lab:send', event: 'lab:event', pick: 'lab:pick' } as const

const pickSchema = z.enum(['file', 'folder', 'save-folder'])

/**
 * The IPC adapter over EngineHost: only our own window's main frame may talk, every payload is
 * validated, and results flow back on one event channel.
 */
export function registerIpc(engine: EngineHost, window: BrowserWindow, appUrl: string): void {
  const running = new Map<string, AbortController>()
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent) =>
    event.sender === window.webContents && (event.senderFrame?.url ?? '').startsWith(appUrl)
  const reply = (message: ServerMessage) => {
    if (!window.isDestroyed()) window.webContents.send(IPC.event, message)
  }

  ipcMain.on(IPC.send, (event, raw: unknown) => {
    if (!trusted(event)) return
    const parsed = clientMessageSchema.safeParse(raw)
    if (!parsed.success) return
    const message = parsed.data
    if (message.type === 'cancel') return running.get(message.id)?.abort()
    const { id, method } = message
    if (!isMethodName(method)) return reply({ type: 'error', id, error: { code: ERROR_CODES.unknownMethod, message: `Unknown method "${method}".` } })
    const controller = new AbortController()
    running.set(id, controller)
    engine
      .call(method, message.params as never, {
        signal: controller.signal,
        onProgress: (progress) => reply({ type: 'progress', id, progress }),
        onPartial: (data) => reply({ type: 'partial', id, data }),
      })
      .then(
        (result) => reply({ type: 'result', id, result }),
        (error: unknown) => {
          if (error instanceof LabCallError && error.code === ERROR_CODES.cancelled) reply({ type: 'cancelled', id })
          else if (error instanceof LabCallError) reply({ type: 'error', id, error: { code: error.code, message: error.message, detail: error.detail } })
          else reply({ type: 'error', id, error: { code: ERROR_CODES.internal, message: String(error) } })
        },
      )
      .finally(() => running.delete(id))
  })

  ipcMain.handle(IPC.pick, async (event, kind: unknown) => {
    if (!trusted(event)) return null
    const parsed = pickSchema.safeParse(kind)
    if (!parsed.success) return null
    const properties: ('openFile' | 'openDirectory' | 'createDirectory')[] =
      parsed.data === 'file' ? ['openFile'] : parsed.data === 'folder' ? ['openDirectory'] : ['openDirectory', 'createDirectory']
    const result = await dialog.showOpenDialog(window, { properties })
    return result.canceled ? null : (result.filePaths[0] ?? null)
  })
}
