#!/usr/bin/env node
// `npm start`: builds, then opens the desktop app in Electron; where Electron cannot start (no
// binary: an offline install or a headless server; no display), says why in one line and serves
// the same app to a browser instead, exactly as `hfc-lab serve` does.
//
// Options: --no-build (use the existing build), --port <n> (browser host only, default any free).
// Environment: HFC_ELECTRON (path of the Electron binary to try instead of the installed one),
// HFC_NO_BROWSER=1 (do not open the system browser).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
/** An Electron that has not failed within this long is taken to be running. */
const START_WINDOW_MS = 8000

const args = process.argv.slice(2)
const build = !args.includes('--no-build')
const portAt = args.indexOf('--port')
const port = portAt >= 0 ? args[portAt + 1] : '0'

/**
 * The installed Electron binary, found the way the electron package finds it but without its
 * fallback of downloading the binary (which hangs or fails offline). Returns a reason when none.
 */
function electronBinary() {
  if (process.env.HFC_ELECTRON)
    return existsSync(process.env.HFC_ELECTRON)
      ? { binary: process.env.HFC_ELECTRON }
      : { reason: `${process.env.HFC_ELECTRON} (HFC_ELECTRON) does not exist` }
  let folder
  try {
    folder = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return { reason: 'the electron package is not installed' }
  }
  const pathFile = join(folder, 'path.txt')
  if (!existsSync(pathFile))
    return { reason: "Electron's binary was not downloaded when the package was installed (offline or a headless install)" }
  const name = readFileSync(pathFile, 'utf8').trim()
  const binary = process.env.ELECTRON_OVERRIDE_DIST_PATH ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name) : join(folder, 'dist', name)
  return existsSync(binary) ? { binary } : { reason: `Electron's binary ${binary} is missing` }
}

function hasDisplay() {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: ROOT, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)))
}

/** Opens the URL in the system browser where there is one; a failure here is never fatal. */
function openBrowser(url) {
  if (process.env.HFC_NO_BROWSER || !hasDisplay()) return
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? null : 'xdg-open'
  try {
    const child =
      opener === null
        ? spawn('cmd', ['/c', 'start', '', url], { stdio: 'ignore', detached: true })
        : onPath(opener)
          ? spawn(opener, [url], { stdio: 'ignore', detached: true })
          : null
    child?.on('error', () => {})
    child?.unref()
  } catch {
    // The URL is printed; the user opens it.
  }
}

/** Stops `child` with the signal this process gets, then leaves with its exit code. */
function forwardSignals(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

function serveInBrowser(reason) {
  console.log(
    `Electron cannot start here: ${reason}. Serving HFC Lab to your browser instead (the embedded MNIST model and data open with the page).`,
  )
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'hfc-lab.js'), 'serve', '--port', port], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let seen = ''
  let opened = false
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk)
    if (opened) return
    seen += chunk.toString()
    const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(seen)?.[0]
    if (url) {
      opened = true
      openBrowser(url)
    }
  })
  forwardSignals(child)
}

function startElectron(binary) {
  const started = Date.now()
  const child = spawn(binary, [ROOT], { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'] })
  let errors = ''
  child.stderr.on('data', (chunk) => {
    process.stderr.write(chunk)
    errors += chunk.toString()
  })
  const signals = ['SIGINT', 'SIGTERM']
  for (const signal of signals) process.on(signal, () => child.kill(signal))
  child.on('error', (error) => serveInBrowser(`${binary} cannot be run (${error.message})`))
  child.on('exit', (code, signal) => {
    // Electron that dies as it starts (missing libraries, a display it may not use) hands over to
    // the browser host; one that ran and was closed by the user ends the command.
    if (code !== 0 && !signal && Date.now() - started < START_WINDOW_MS) {
      for (const s of signals) process.removeAllListeners(s)
      const why = errors.trim().split('\n').find(Boolean)
      serveInBrowser(`Electron exited with code ${code} as it started${why ? ` (${why.trim()})` : ''}`)
    } else process.exit(code ?? 0)
  })
}

if (build) run(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'])
const found = electronBinary()
if (!found.binary) serveInBrowser(found.reason)
else if (!hasDisplay()) serveInBrowser('there is no display (DISPLAY and WAYLAND_DISPLAY are unset)')
else startElectron(found.binary)
