#!/usr/bin/env node
// Runs the built CLI (npm run build); in a source checkout without a build, runs the TypeScript through tsx.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const built = fileURLToPath(new URL('../out/main/cli.js', import.meta.url))
if (existsSync(built)) {
  await import(pathToFileURL(built).href)
} else {
  try {
    const { register } = await import('tsx/esm/api')
    register()
  } catch {
    console.error('hfc-lab is not built: run "npm run build" in the project folder first.')
    process.exit(1)
  }
  await import(new URL('../src-main/cli/index.ts', import.meta.url).href)
}
