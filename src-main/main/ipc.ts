import { dialog, ipcMain, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron'
import { z } from 'zod'
import type { EngineHost } from '../engine/runtime/host'
import { createDispatcher } from '../protocol/dispatch'
import { clientMessageSchema, type ServerMessage } from '../protocol/messages'

export const IPC = { send: 'lab:send', event: 'lab:event', pick: 'lab:pick' } as const

const pickSchema = z.enum(['file', 'folder', 'save-folder'])

/**
 * The IPC adapter over EngineHost: only our own window's main frame may talk, every payload is
 * validated, and results flow back on one event channel.
 */
export function registerIpc(engine: EngineHost, window: BrowserWindow, appUrl: string): void {
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent) =>
    event.sender === window.webContents && (event.senderFrame?.url ?? '').startsWith(appUrl)
  const dispatcher = createDispatcher(engine, (message: ServerMessage) => {
    if (!window.isDestroyed()) window.webContents.send(IPC.event, message)
  })
  window.on('closed', () => dispatcher.abortAll())

  ipcMain.on(IPC.send, (event, raw: unknown) => {
    if (!trusted(event)) return
    const parsed = clientMessageSchema.safeParse(raw)
    if (parsed.success) dispatcher.handle(parsed.data)
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
