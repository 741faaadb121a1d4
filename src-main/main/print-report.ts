import { randomBytes } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { rename, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { REPORT_FILE_NAMES, REPORT_PRINT_HINT as HINT, type PrintedReport } from '../protocol/report'

const { index: INDEX, pdf: PDF } = REPORT_FILE_NAMES

/**
 * The window the report is printed in: hidden, sandboxed, without scripts (the page has none) or
 * Node, so a report page can do nothing but be laid out. A subset of BrowserWindowConstructorOptions.
 */
export const PRINT_WINDOW_OPTIONS = {
  show: false,
  webPreferences: {
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    javascript: false,
    webSecurity: true,
    images: true,
  },
} as const

/** What printing needs of an Electron BrowserWindow (a fake in tests). */
export interface PrintWindow {
  loadFile(path: string): Promise<void>
  webContents: {
    printToPDF(options: { printBackground: boolean; pageSize: 'A4' }): Promise<Uint8Array>
    setWindowOpenHandler(handler: () => { action: 'deny' }): void
    on(event: 'will-navigate', listener: (event: { preventDefault(): void }) => void): void
  }
  destroy(): void
  isDestroyed(): boolean
}
export type PrintWindowFactory = (options: typeof PRINT_WINDOW_OPTIONS) => PrintWindow

/**
 * The app's PDF of a report: loads index.html of `out` in a hidden sandboxed window and writes
 * report.pdf beside it with printToPDF (the app's own Chromium, so the app needs no other browser).
 * Only folders in `chosen` (the report folders the user had the app write in this session) are
 * printed; the PDF is written to a temporary name and renamed, so a failed print leaves none.
 */
export async function printReportPdf(out: string, chosen: ReadonlySet<string>, createWindow: PrintWindowFactory): Promise<PrintedReport> {
  const folder = resolve(out)
  if (!chosen.has(folder))
    return { pdf: null, note: `The app prints only report folders it wrote in this session, and ${folder} is not one: ${HINT}.` }
  const index = join(folder, INDEX)
  if (!existsSync(index) || !statSync(index).isFile()) return { pdf: null, note: `${folder} holds no index.html: write the report first.` }
  const pdf = join(folder, PDF)
  // A random name opened exclusively: nothing else can be writing it, or be replaced through it.
  const temp = join(folder, `.${PDF}.${randomBytes(8).toString('hex')}.tmp`)
  const window = createWindow(PRINT_WINDOW_OPTIONS)
  try {
    window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
    window.webContents.on('will-navigate', (event) => event.preventDefault())
    await window.loadFile(index)
    const bytes = await window.webContents.printToPDF({ printBackground: true, pageSize: 'A4' })
    if (bytes.byteLength === 0) throw new Error('the PDF is empty')
    await writeFile(temp, bytes, { flag: 'wx' })
    await rename(temp, pdf)
    return { pdf, note: 'Printed by the app (Electron printToPDF).' }
  } catch (error) {
    await rm(temp, { force: true })
    return { pdf: null, note: `Printing in the app failed (${(error as Error).message.split('\n')[0]}): ${HINT}.` }
  } finally {
    if (!window.isDestroyed()) window.destroy()
  }
}
