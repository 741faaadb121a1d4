import { app, BrowserWindow, dialog, Menu } from 'electron'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseBackendName } from '../engine/compute/backend-names'
import { EngineHost } from '../engine/runtime/host'
import { registerIpc } from './ipc'
import { hardenSession, hardenWindow } from './security'

const here = fileURLToPath(new URL('.', import.meta.url))

async function createWindow(engine: EngineHost): Promise<void> {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'HFC Lab',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  const devUrl = process.env.ELECTRON_RENDERER_URL
  const appUrl = devUrl ?? pathToFileURL(join(here, '../renderer/')).href
  hardenWindow(window, appUrl)
  registerIpc(engine, window, appUrl)
  window.once('ready-to-show', () => window.show())
  if (devUrl) await window.loadURL(devUrl)
  else await window.loadFile(join(here, '../renderer/index.html'))
}

app.enableSandbox()
app
  .whenReady()
  .then(async () => {
    hardenSession()
    Menu.setApplicationMenu(null)
    // Measured engine choices stay in the app's own data folder (the workers inherit the variable).
    process.env.HFC_CACHE_DIR ??= join(app.getPath('userData'), 'engine-cache')
    // The engine (TF.js, any native addon) lives in worker threads, never on this thread.
    const engine = await EngineHost.start({ backend: parseBackendName(process.env.HFC_BACKEND) })
    await createWindow(engine)
    app.on('window-all-closed', () => {
      // Quit even when a worker fails to stop cleanly.
      void engine
        .close()
        .catch((error: unknown) => console.error(error))
        .then(() => app.quit())
    })
  })
  .catch((error: unknown) => {
    // Without this the app would keep running with no window and no word of what failed.
    dialog.showErrorBox('HFC Lab could not start', error instanceof Error ? error.message : String(error))
    app.exit(1)
  })
