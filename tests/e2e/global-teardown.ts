import { readFileSync, rmSync } from 'node:fs'
import { STATE_FILE } from './global-setup'

export default async function globalTeardown(): Promise<void> {
  try {
    const { pid, outRoot, inRoot } = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as { pid: number; outRoot?: string; inRoot?: string }
    for (const dir of [outRoot, inRoot]) if (dir) rmSync(dir, { recursive: true, force: true })
    process.kill(pid, 'SIGTERM')
  } catch {
    // already gone
  }
}
