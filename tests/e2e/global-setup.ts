import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const STATE_FILE = join(process.cwd(), 'test-results', '.serve.json')

/** Starts the real browser host ("hfc-lab serve", built CLI, real engine worker) once for all specs. */
export default async function globalSetup(): Promise<void> {
  // Exports go under the host's out-root; the specs find it in HFC_OUT_ROOT.
  const outRoot = mkdtempSync(join(tmpdir(), 'hfc-e2e-out-'))
  process.env.HFC_OUT_ROOT = outRoot
  const child = spawn(process.execPath, ['bin/hfc-lab.js', 'serve', '--port', '0', '--out-root', outRoot], { stdio: ['ignore', 'pipe', 'pipe'], detached: false })
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
  writeFileSync(STATE_FILE, JSON.stringify({ url, pid: child.pid, outRoot }))
  process.env.HFC_URL = url
}
