import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { REPORT_PRINT_HINT } from '../../protocol/report'

/** Names a headless Chromium goes by, searched on PATH after $HFC_CHROMIUM and /usr/bin/chromium. */
const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']
const PRINT_TIMEOUT_MS = 120_000

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The Chromium to print with: $HFC_CHROMIUM, else /usr/bin/chromium, else the first candidate on PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.HFC_CHROMIUM) return executable(env.HFC_CHROMIUM) ? env.HFC_CHROMIUM : null
  if (executable('/usr/bin/chromium')) return '/usr/bin/chromium'
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of CANDIDATES) if (executable(join(dir, name))) return join(dir, name)
  }
  return null
}

/**
 * Prints an HTML file to PDF with a headless Chromium (its own throw-away profile, no network use:
 * the page has only local files). Resolves to null and the reason when no Chromium is found or
 * printing fails, so the report stands without its PDF.
 */
export async function printPdf(html: string, pdf: string): Promise<{ pdf: string | null; note: string }> {
  const chromium = findChromium()
  if (!chromium) return { pdf: null, note: `No headless Chromium found (set HFC_CHROMIUM, or install chromium): ${REPORT_PRINT_HINT}.` }
  const profile = await mkdtemp(join(tmpdir(), 'hfc-lab-pdf-'))
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-extensions',
    `--user-data-dir=${profile}`,
    '--no-pdf-header-footer',
    `--print-to-pdf=${pdf}`,
    pathToFileURL(html).href,
  ]
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(chromium, args, { timeout: PRINT_TIMEOUT_MS, killSignal: 'SIGKILL' }, (error) => (error ? reject(error) : resolve()))
    })
    if ((await stat(pdf)).size === 0) throw new Error('the PDF is empty')
    return { pdf, note: `Printed with ${chromium}.` }
  } catch (error) {
    await rm(pdf, { force: true })
    return { pdf: null, note: `Printing with ${chromium} failed (${(error as Error).message.split('\n')[0]}): ${REPORT_PRINT_HINT}.` }
  } finally {
    await rm(profile, { recursive: true, force: true })
  }
}
