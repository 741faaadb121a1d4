#!/usr/bin/env node
// Runs the unit tests (vitest) and the end-to-end tests (Playwright, Debian's Chromium) and ends with
// one "N passed, N failed, N skipped" line summing both, which CI reads.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const run = (cmd, args, env = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1

for (const f of ['.ci-vitest.json', '.ci-playwright.json']) rmSync(f, { force: true })
// Engine choices measured during the tests go to a fresh folder, not the user's cache.
const cache = mkdtempSync(join(tmpdir(), 'hfc-test-cache-'))
process.env.HFC_CACHE_DIR = cache
process.on('exit', () => rmSync(cache, { recursive: true, force: true }))
const unit = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=.ci-vitest.json'])
const e2e = run('npx', ['playwright', 'test'])

const read = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null)
const v = read('.ci-vitest.json')
const p = read('.ci-playwright.json')?.stats
const passed = (v?.numPassedTests ?? 0) + (p ? p.expected + p.flaky : 0)
const failed = (v ? v.numFailedTests : 1) + (p ? p.unexpected : 1)
const skipped = (v?.numPendingTests ?? 0) + (v?.numTodoTests ?? 0) + (p?.skipped ?? 0)
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(unit !== 0 || e2e !== 0 || failed > 0 ? 1 : 0)
