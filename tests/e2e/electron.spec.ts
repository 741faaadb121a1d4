import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'

/** The Electron binary, when one is installed (it cannot be downloaded on offline machines). */
function electronBinary(): string | null {
  if (process.env.ELECTRON_BIN && existsSync(process.env.ELECTRON_BIN)) return process.env.ELECTRON_BIN
  try {
    const pkg = createRequire(import.meta.url).resolve('electron/package.json')
    const pathFile = join(dirname(pkg), 'path.txt')
    if (!existsSync(pathFile)) return null
    const binary = join(dirname(pkg), 'dist', readFileSync(pathFile, 'utf8').trim())
    return existsSync(binary) ? binary : null
  } catch {
    return null
  }
}

const binary = electronBinary()

test('the Electron window opens the app with the sandboxed bridge', async () => {
  test.skip(!binary, 'skipped: Electron binary not installed')
  const app = await electron.launch({ executablePath: binary!, args: ['out/main/index.js'] })
  const window = await app.firstWindow()
  await expect(window.getByTestId('backend')).toContainText(/wasm|tensorflow|cpu/, { timeout: 60_000 })
  const exposed = await window.evaluate(() => {
    const w = globalThis as unknown as { lab?: { printReport?: unknown }; require?: unknown }
    return { lab: typeof w.lab, printReport: typeof w.lab?.printReport, require: typeof w.require }
  })
  expect(exposed).toEqual({ lab: 'object', printReport: 'function', require: 'undefined' })
  await app.close()
})
