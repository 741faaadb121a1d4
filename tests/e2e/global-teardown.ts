import { readFileSync, rmSync } from 'node:fs'
import { STATE_FILE } from './global-setup'

export default async function globalTeardown(): Promise<void> {
  try {
    const { pid, outRoot } = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as { pid: number; outRoot?: string }
    if (outRoot) rmSync(outRoot, { recursive: true, force: true })
    process.kill(pid, 'SIGTERM')
  } catch {
    // already gone
  }
}
