import { BrowserWindow, dialog, ipcMain, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron'
import { resolve } from 'node:path'
import { z } from 'zod'
import type { EngineHost } from '../engine/runtime/host'
import { createDispatcher } from '../protocol/dispatch'
import { clientMessageSchema, type ServerMessage } from '../protocol/messages'
import { methods } from '../protocol/methods'
import { printReportRequestSchema } from '../protocol/report'
import { printReportPdf } from './print-report'

export const IPC = { send: 'lab:send', event: 'lab:event', pick: 'lab:pick', print: 'lab:print' } as const

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

  // The report folders this window had the engine write: the only ones the app prints (IPC.print).
  const reportFolders = new Set<string>()
  ipcMain.on(IPC.send, (event, raw: unknown) => {
    if (!trusted(event)) return
    const parsed = clientMessageSchema.safeParse(raw)
    if (!parsed.success) return
    if (parsed.data.type === 'call' && parsed.data.method === 'report.run') {
      const report = methods['report.run'].params.safeParse(parsed.data.params)
      if (report.success) reportFolders.add(resolve(report.data.out))
    }
    dispatcher.handle(parsed.data)
  })

  ipcMain.handle(IPC.print, async (event, raw: unknown) => {
    if (!trusted(event)) return null
    const parsed = printReportRequestSchema.safeParse(raw)
    if (!parsed.success) return null
    return printReportPdf(parsed.data.out, reportFolders, (options) => new BrowserWindow(options))
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
