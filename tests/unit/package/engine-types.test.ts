import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO } from '../paths'

// `npm run build` emits the engine's declarations here (tsconfig.types.json); package.json's "types" points at them.
const EMITTED = join(REPO, 'out', 'types', 'engine', 'index.d.ts')
const BUILT = existsSync(EMITTED)
const NEEDS_BUILD = BUILT ? '' : ` (skipped: no ${EMITTED}; run npm run build)`

/**
 * A library user's file: it imports the package by name, so TypeScript resolves it through the
 * "exports" entry to the emitted .d.ts. The @ts-expect-error lines fail the check if those types
 * were lost (an `any` accepts everything), so the check pins typed calls, results and partials.
 */
const CONSUMER = `import { EngineHost, lowPassKernels, type JobContext, type KernelReport, type PartialOf, type PooledPartial } from 'hfc-lab'

export async function use(): Promise<number> {
  const host = await EngineHost.start({ backend: 'cpu', workers: 1 })
  const info = await host.call('engine.info', {})
  const workers: number = info.workers
  // @ts-expect-error: a method the protocol does not have
  await host.call('engine.nothing', {})
  // @ts-expect-error: figure 1 needs a data set, a model and a radius
  await host.call('spectral.figure1', {})
  await host.call(
    'spectral.figure1',
    { datasetId: 'd', modelId: 'm', radius: 4 },
    { onPartial: (p: PartialOf<'spectral.figure1'>) => ('worker' in p ? p.data.total : p.total) },
  )
  // @ts-expect-error: attack.run streams nothing, so its partials are never
  const nothing: PartialOf<'attack.run'> = 0
  const pooled: PooledPartial<number> = { worker: 0, workers: 1, data: 1 }
  const ctx: Pick<JobContext, 'signal'> = { signal: new AbortController().signal }
  void [lowPassKernels, ctx, pooled, nothing, {} as KernelReport]
  await host.close()
  return workers
}
`

describe('the engine as a library', () => {
  it.skipIf(!BUILT)(
    `type-checks a consumer that imports "hfc-lab" against the emitted declarations${NEEDS_BUILD}`,
    () => {
      // Inside the package (under tmp/, which git ignores), so the package name resolves to itself.
      const dir = join(REPO, 'tmp', 'types-consumer')
      rmSync(dir, { recursive: true, force: true })
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, 'consumer.ts'), CONSUMER)
      const compilerOptions = {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      }
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }))
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
      let output = ''
      try {
        execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' })
      } catch (error) {
        output = String((error as { stdout?: string }).stdout ?? error)
      }
      expect(output).toBe('')
    },
    120_000,
  )
})
