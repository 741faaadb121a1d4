import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PRINT_WINDOW_OPTIONS, printReportPdf, type PrintWindow } from '../../../src-main/main/print-report'

/** A BrowserWindow stand-in that records what printing did with it. */
function fakeWindow(print: () => Promise<Uint8Array>) {
  const seen = { options: null as unknown, loaded: [] as string[], destroyed: false, opens: 0, navigations: 0 }
  const factory = (options: typeof PRINT_WINDOW_OPTIONS): PrintWindow => {
    seen.options = options
    return {
      loadFile: (path) => {
        seen.loaded.push(path)
        return Promise.resolve()
      },
      webContents: {
        printToPDF: print,
        setWindowOpenHandler: (handler) => {
          if (handler().action === 'deny') seen.opens += 1
        },
        on: (_event, listener) => listener({ preventDefault: () => (seen.navigations += 1) }),
      },
      destroy: () => {
        seen.destroyed = true
      },
      isDestroyed: () => seen.destroyed,
    }
  }
  return { seen, factory }
}

function reportFolder(): string {
  const out = mkdtempSync(join(tmpdir(), 'hfc-print-'))
  writeFileSync(join(out, 'index.html'), '<!doctype html><title>report</title><p>1</p>')
  return out
}

const PDF_BYTES = new TextEncoder().encode('%PDF-1.4\n%fake\n')

describe('printReportPdf', () => {
  it('prints index.html of a folder the app wrote in a hidden, sandboxed, script-less window into report.pdf', async () => {
    const out = reportFolder()
    const { seen, factory } = fakeWindow(() => Promise.resolve(PDF_BYTES))
    const printed = await printReportPdf(out, new Set([out]), factory)
    expect(printed).toEqual({ pdf: join(out, 'report.pdf'), note: 'Printed by the app (Electron printToPDF).' })
    expect(readFileSync(join(out, 'report.pdf'))).toEqual(Buffer.from(PDF_BYTES))
    expect(seen.options).toMatchObject({
      show: false,
      webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false },
    })
    expect(seen.loaded).toEqual([join(out, 'index.html')])
    expect(seen.opens).toBe(1)
    expect(seen.navigations).toBe(1)
    expect(seen.destroyed).toBe(true)
  })

  it('refuses a folder the app did not write a report into, and one without index.html, opening no window', async () => {
    const out = reportFolder()
    const other = mkdtempSync(join(tmpdir(), 'hfc-print-other-'))
    const { seen, factory } = fakeWindow(() => Promise.resolve(PDF_BYTES))
    const outside = await printReportPdf(out, new Set([other]), factory)
    expect(outside.pdf).toBeNull()
    expect(outside.note).toContain('prints only report folders it wrote in this session')
    // A path that names the chosen folder by a detour resolves to it; one that leaves it does not.
    expect((await printReportPdf(join(other, '..', 'x'), new Set([other]), factory)).pdf).toBeNull()
    const empty = await printReportPdf(other, new Set([other]), factory)
    expect(empty).toEqual({ pdf: null, note: `${other} holds no index.html: write the report first.` })
    expect(seen.options).toBeNull()
    expect(existsSync(join(out, 'report.pdf'))).toBe(false)
  })

  it('leaves no PDF and says how to print the HTML when printing fails, and closes the window', async () => {
    const out = reportFolder()
    const { seen, factory } = fakeWindow(() => Promise.reject(new Error('renderer gone')))
    const printed = await printReportPdf(out, new Set([out]), factory)
    expect(printed.pdf).toBeNull()
    expect(printed.note).toMatch(/^Printing in the app failed \(renderer gone\): open index.html in a browser and print it to PDF/)
    expect(readdirSync(out)).toEqual(['index.html'])
    expect(seen.destroyed).toBe(true)
  })
})
