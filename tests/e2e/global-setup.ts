import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HAS_DATA, HAS_FIXTURES, SHARED_DATA, SHARED_FIXTURES } from '../unit/paths'

export const STATE_FILE = join(process.cwd(), 'test-results', '.serve.json')

/** Starts the real browser host ("hfc-lab serve", built CLI, real engine worker) once for all specs. */
export default async function globalSetup(): Promise<void> {
  // Exports go under the host's out-root; the specs find it in HFC_OUT_ROOT.
  const outRoot = mkdtempSync(join(tmpdir(), 'hfc-e2e-out-'))
  process.env.HFC_OUT_ROOT = outRoot
  // Read roots: the checkout (tests/fixtures), the large data sets and third-party models where
  // present, and a folder the specs build their own input folders in (HFC_IN_ROOT).
  const inRoot = mkdtempSync(join(tmpdir(), 'hfc-e2e-in-'))
  process.env.HFC_IN_ROOT = inRoot
  const roots = [process.cwd(), inRoot, ...(HAS_DATA ? [SHARED_DATA] : []), ...(HAS_FIXTURES ? [SHARED_FIXTURES] : [])]
  const args = ['bin/hfc-lab.js', 'serve', '--port', '0', '--out-root', outRoot, ...roots.flatMap((root) => ['--root', root])]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: false })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`hfc-lab serve did not start:\n${out}`)), 60_000)
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const match = out.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/)
      if (match) {
        clearTimeout(timer)
        resolve(match[0])
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => reject(new Error(`hfc-lab serve exited with ${code}:\n${out}`)))
  })
  const { mkdirSync } = await import('node:fs')
  mkdirSync(join(process.cwd(), 'test-results'), { recursive: true })
  writeFileSync(STATE_FILE, JSON.stringify({ url, pid: child.pid, outRoot, inRoot }))
  process.env.HFC_URL = url
}
