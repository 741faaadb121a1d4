import { contextBridge, ipcRenderer, webUtils } from 'electron'
import type { CallEvent, LabBridge, PathKind } from '../protocol/lab-api'
import type { PrintedReport } from '../protocol/report'

// Mirrors main/ipc.ts; kept literal so the sandboxed preload bundles nothing else.
const IPC = { send: 'lab:send', event: 'lab:event', pick: 'lab:pick', print: 'lab:print' } as const

const listeners = new Map<string, (event: CallEvent) => void>()
let counter = 0

ipcRenderer.on(IPC.event, (_event, message: { id: string; type: string } & Record<string, unknown>) => {
  const listener = listeners.get(message.id)
  if (!listener) return
  const { id, ...event } = message
  if (event.type === 'result' || event.type === 'error' || event.type === 'cancelled') listeners.delete(id)
  listener(event as CallEvent)
})

const bridge: LabBridge = {
  transport: 'electron',
  start(method, params, onEvent) {
    const id = `r${++counter}`
    listeners.set(id, onEvent)
    ipcRenderer.send(IPC.send, { type: 'call', id, method, params })
    return id
  },
  cancel(id) {
    ipcRenderer.send(IPC.send, { type: 'cancel', id })
  },
  pickPath: (kind: PathKind) => ipcRenderer.invoke(IPC.pick, kind) as Promise<string | null>,
  pathForFile: (file: File) => webUtils.getPathForFile(file),
  printReport: (out: string) => ipcRenderer.invoke(IPC.print, { out }) as Promise<PrintedReport>,
}

contextBridge.exposeInMainWorld('lab', bridge)
