import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { REPO } from '../paths'
import { connectHost, waitForUrl } from '../web/ws-client'

/** `npm start` as a user runs it (the build is the one `npm test` made before the suite). */
function start(env: Record<string, string | undefined>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const base = { ...process.env, HFC_NO_BROWSER: '1' }
  const child = spawn(process.execPath, [join(REPO, 'scripts', 'start.js'), '--no-build'], {
    cwd: REPO,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output: () => output, exited }
}

const running: ChildProcess[] = []
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGTERM')
})

const dir = mkdtempSync(join(tmpdir(), 'hfc-start-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The URL answers with the token, and the embedded defaults open and classify through the API. */
async function checkHost(url: string): Promise<void> {
  expect((await fetch(url)).status).toBe(200)
  expect((await fetch(url.replace(/token=\w+/, 'token=wrong'))).status).toBe(401)
  const client = await connectHost(url)
  try {
    const model = await client.call<{ id: string; info: { name: string } }>('model.open', { defaultId: 'mnist' })
    const data = await client.call<{ id: string; info: { count: number } }>('data.open', { defaultId: 'mnist' })
    expect(model.info.name).toBe('mnist')
    expect(data.info.count).toBe(1000)
    const evaluation = await client.call<{ n: number; accuracy: number }>('model.evaluate', {
      modelId: model.id,
      datasetId: data.id,
      limit: 64,
    })
    expect(evaluation.n).toBe(64)
    expect(evaluation.accuracy).toBeGreaterThan(0.9)
  } finally {
    client.close()
  }
}

describe('npm start (scripts/start.js)', () => {
  it('on a headless machine says why in one line, serves the app at a printed URL (as hfc-lab serve prints it) and stops on SIGTERM', async () => {
    // Here the installed electron package has no binary (offline install); with one, the missing display stops it.
    const run = start({ HFC_ELECTRON: undefined, DISPLAY: '', WAYLAND_DISPLAY: '' })
    running.push(run.child)
    const url = await waitForUrl(run.child)
    const lines = run.output().split('\n')
    expect(lines[0]).toMatch(
      /^Electron cannot start here: (Electron's binary was not downloaded|there is no display).*\. Serving HFC Lab to your browser instead \(the embedded MNIST model and data open with the page\)\.$/,
    )
    expect(lines[1]).toBe(`HFC Lab is running at ${url}`)
    await checkHost(url)
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
    await expect(fetch(url)).rejects.toThrow()
  })

  it('when Electron dies as it starts (no display it may use), hands over to the browser host', async () => {
    const fake = join(dir, 'electron')
    writeFileSync(fake, '#!/bin/sh\necho "Missing X server or $DISPLAY" >&2\nexit 1\n')
    chmodSync(fake, 0o755)
    const run = start({ HFC_ELECTRON: fake, DISPLAY: ':99' })
    running.push(run.child)
    const url = await waitForUrl(run.child)
    expect(run.output()).toContain(
      'Electron cannot start here: Electron exited with code 1 as it started (Missing X server or :99). Serving HFC Lab',
    )
    await checkHost(url)
  })

  it('names a binary given in HFC_ELECTRON that does not exist', async () => {
    const run = start({ HFC_ELECTRON: join(dir, 'no-electron-here') })
    running.push(run.child)
    await waitForUrl(run.child)
    expect(run.output().split('\n')[0]).toContain(
      `Electron cannot start here: ${join(dir, 'no-electron-here')} (HFC_ELECTRON) does not exist.`,
    )
  })

  it('with no display, does not try Electron at all', async () => {
    const run = start({ HFC_ELECTRON: process.execPath, DISPLAY: '', WAYLAND_DISPLAY: '' })
    running.push(run.child)
    await waitForUrl(run.child)
    expect(run.output().split('\n')[0]).toMatch(
      /^Electron cannot start here: there is no display \(DISPLAY and WAYLAND_DISPLAY are unset\)\./,
    )
  })
})
