/**
 * Runs the reader/loader fuzz cases in a process of its own, so that a case that exhausts memory
 * or aborts kills this process instead of the test runner. Usage: fuzz-child.ts <seed> <scratch folder>
 * (the parent creates and removes the folder, so a killed child leaves nothing behind).
 * Prints one "FUZZ {json}" line before and after every case; the parent test reads them.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { chooseBackend } from '../../../../src-main/engine/compute/backend'
import { openDataset } from '../../../../src-main/engine/data'
import { LabError } from '../../../../src-main/engine/base/errors'
import { openModel } from '../../../../src-main/engine/loaders'
import { mulberry32 } from '../../../../src-main/engine/base/random'
import { buildCorpus, type FuzzTarget } from './corpus'
import { mutate } from './mutations'

/** Model inputs up to this many values are run once on a zero image after a successful load. */
const RUN_INPUT_ELEMENTS = 64 * 64 * 3

const report = (line: object) => process.stdout.write(`FUZZ ${JSON.stringify(line)}\n`)

async function exercise(target: FuzzTarget, path: string): Promise<void> {
  if (target.kind === 'data') {
    const d = await openDataset(path)
    try {
      d.labels()
      await d.read([0, d.info.count - 1])
    } finally {
      await d.close?.()
    }
    return
  }
  const m = await openModel(path)
  try {
    const shape = m.info.inputShape
    if (shape[0] * shape[1] * shape[2] <= RUN_INPUT_ELEMENTS) tf.tidy(() => m.logits(tf.zeros([1, ...shape])).dataSync())
  } finally {
    m.dispose()
  }
}

async function main(): Promise<void> {
  const seed = Number(process.argv[2])
  const scratch = process.argv[3]
  await chooseBackend('wasm')
  const targets = await buildCorpus(scratch)
  const rng = mulberry32(seed)
  let n = 0
  for (const target of targets) {
    for (let k = 0; k < target.cases; k++, n++) {
      const { bytes, what } = mutate(target.files[target.mutate], rng, target.mutations)
      const dir = join(scratch, `case-${n}`)
      for (const [name, content] of Object.entries(target.files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true })
        writeFileSync(join(dir, name), name === target.mutate ? bytes : content)
      }
      report({ case: n, target: target.name, what, start: true })
      try {
        await exercise(target, join(dir, target.open))
        report({ case: n, outcome: 'ok' })
      } catch (e) {
        if (e instanceof LabError && typeof e.code === 'string' && e.code.length > 0)
          report({ case: n, outcome: 'named', code: e.code, message: e.message })
        else report({ case: n, outcome: 'untyped', error: e instanceof Error ? (e.stack ?? e.message) : String(e) })
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
  report({ done: n })
}

await main()
