import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeIdxImages, encodeIdxLabels } from '../../../../src-main/engine/data/idx-writer'
import { EngineHost } from '../../../../src-main/engine/runtime/host'
import { OPEN_LIMITS } from '../../../../src-main/engine/session/open-journal'
import { RESOURCES } from '../../paths'

const MNIST = join(RESOURCES, 'datasets', 'mnist')
const MNIST_MODEL = join(RESOURCES, 'models', 'mnist', 'model.json')
const openFds = () => readdirSync('/proc/self/fd').length

describe('EngineHost replay journal and open limits (two workers)', () => {
  let host: EngineHost
  let tmp: string
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'hfc-journal-'))
    host = await EngineHost.start({ backend: 'wasm', workers: 2 })
  })
  afterAll(async () => {
    await host.close()
    rmSync(tmp, { recursive: true, force: true })
  })

  it('keeps working after failed opens and after both workers crash', async () => {
    await expect(host.call('data.open', { path: join(tmp, 'no-such-folder') })).rejects.toMatchObject({
      message: expect.stringContaining('no-such-folder'),
    })
    await expect(host.call('model.open', { path: join(tmp, 'typo', 'model.json') })).rejects.toMatchObject({
      message: expect.stringContaining('typo'),
    })

    // The typo is not replayed into later opens or into workers started after it.
    const data = await host.call('data.open', { path: MNIST })
    const model = await host.call('model.open', { path: MNIST_MODEL })
    const before = await host.call('model.predict', { modelId: model.id, datasetId: data.id, limit: 40 })
    expect(before.indices.length).toBe(40)

    // The same open again is one journal entry, not two.
    expect((await host.call('data.open', { path: MNIST })).id).toBe(data.id)

    await host.crashWorkerForTest(0)
    await host.crashWorkerForTest(1)
    expect(host.restartCount(0)).toBe(1)
    expect(host.restartCount(1)).toBe(1)
    expect((await host.call('engine.info', {})).backend).toBe('wasm')
    const labels = await host.call('data.labels', { datasetId: data.id })
    expect(labels.labels.length).toBe(data.info.count)
    // Both restarted workers serve a shard: the predictions are the ones from before the crash.
    const after = await host.call('model.predict', { modelId: model.id, datasetId: data.id, limit: 40 })
    expect(Array.from(after.labels)).toEqual(Array.from(before.labels))
  })

  it('starts a crashed worker even when a file it had open is gone, and closes that data set everywhere', async () => {
    const copy = join(tmp, 'vanishing')
    cpSync(MNIST, copy, { recursive: true })
    const data = await host.call('data.open', { path: copy })
    rmSync(copy, { recursive: true })
    await host.crashWorkerForTest(1)
    // Worker 1 restarts for this shard, cannot reopen the copy, drops it and serves anyway.
    const model = await host.call('model.open', { defaultId: 'mnist' })
    const mnist = await host.call('data.open', { defaultId: 'mnist' })
    expect((await host.call('model.evaluate', { modelId: model.id, datasetId: mnist.id, limit: 20 })).n).toBe(20)
    // A call that names it tries to open it again, and says which file is missing.
    await expect(host.call('data.labels', { datasetId: data.id })).rejects.toMatchObject({ message: expect.stringContaining('vanishing') })
  })

  it('closes what the user closes on every worker, and opens it again when a later call names it', async () => {
    const data = await host.call('data.open', { path: MNIST, split: 'test' })
    const labels = (await host.call('data.labels', { datasetId: data.id })).labels
    expect(await host.call('data.close', { datasetId: data.id })).toEqual({ closed: true })
    expect(await host.call('data.close', { datasetId: data.id })).toEqual({ closed: false })
    expect(Array.from((await host.call('data.labels', { datasetId: data.id })).labels)).toEqual(Array.from(labels))
    expect(await host.call('data.close', { datasetId: data.id })).toEqual({ closed: true })
  })

  it('gives a model closed by another client back to a client still using it, with the same kernels', async () => {
    const model = await host.call('model.open', { defaultId: 'mnist' })
    const before = await host.call('model.kernels', { modelId: model.id, radius: 1 })
    await host.call('model.close', { modelId: model.id })
    const after = await host.call('model.kernels', { modelId: model.id, radius: 1 })
    expect(after.kernels.map((k) => k.after)).toEqual(before.kernels.map((k) => k.after))
  })

  it('remakes a defended variant whose model was closed, from the model', async () => {
    const data = await host.call('data.open', { defaultId: 'mnist' })
    const model = await host.call('model.open', { defaultId: 'mnist' })
    const variant = await host.call('model.variant', { modelId: model.id, defense: { kind: 'd1', radius: 6 } })
    const before = await host.call('model.evaluate', { modelId: variant.id, datasetId: data.id, limit: 64 })
    await host.call('model.close', { modelId: model.id })
    const after = await host.call('model.evaluate', { modelId: variant.id, datasetId: data.id, limit: 64 })
    expect(after.confusion).toEqual(before.confusion)
    // It is the variant that came back, not the plain model: D1 at r = 6 changes predictions.
    const plain = await host.call('model.evaluate', { modelId: model.id, datasetId: data.id, limit: 64 })
    expect(plain.confusion).not.toEqual(before.confusion)
  })

  it('runs two identical opens once, and one caller cancelling leaves the model open for the other', async () => {
    await host.call('model.close', { modelId: (await host.call('model.open', { defaultId: 'mnist' })).id })
    const controller = new AbortController()
    const cancelled = host.call('model.open', { defaultId: 'mnist' }, { signal: controller.signal })
    const kept = host.call('model.open', { defaultId: 'mnist' })
    controller.abort()
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' })
    const model = await kept
    expect((await host.call('model.kernels', { modelId: model.id, radius: 1 })).kernels).toHaveLength(32)
  })

  it('still says NOT_FOUND, and what to do, for an id this host never opened', async () => {
    await expect(host.call('model.kernels', { modelId: 'm-000000000000', radius: 1 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('Open the model again'),
    })
  })

  it('keeps the open file descriptors bounded over 50 distinct data sets', async () => {
    const shape: [number, number, number] = [8, 8, 1]
    const folders = Array.from({ length: 50 }, (_, k) => {
      const folder = join(tmp, `set-${k}`)
      mkdirSync(folder)
      const pixels = Uint8Array.from({ length: 6 * 64 }, (_, i) => (i * (k + 1)) % 256)
      writeFileSync(join(folder, 'train-images-idx3-ubyte'), encodeIdxImages(pixels, 6, shape))
      writeFileSync(join(folder, 'train-labels-idx1-ubyte'), encodeIdxLabels([0, 1, 2, 0, 1, 2]))
      return folder
    })
    const first = await host.call('data.open', { path: folders[0] })
    const baseline = openFds()
    const ids = [first.id]
    for (const folder of folders.slice(1)) ids.push((await host.call('data.open', { path: folder })).id)
    // Give the workers an idle moment to release what was closed.
    await host.call('engine.info', {})
    await new Promise((r) => setTimeout(r, 200))
    const grown = openFds() - baseline
    // Without limits this grows by one handle per data set per worker (98 here, measured).
    expect(grown).toBeLessThanOrEqual(OPEN_LIMITS.datasets * host.workerCount)
    expect(grown).toBeLessThan(folders.length)
    // The most recent ones still answer; the first was closed on every worker, and a call that
    // names it opens it again (closing the least recent one in its place).
    expect((await host.call('data.labels', { datasetId: ids.at(-1)! })).labels.length).toBe(6)
    expect(Array.from((await host.call('data.labels', { datasetId: ids[0] })).labels)).toEqual([0, 1, 2, 0, 1, 2])
    expect(openFds() - baseline).toBeLessThanOrEqual(OPEN_LIMITS.datasets * host.workerCount)
  })

  it('keeps at most OPEN_LIMITS.variants defended variants in a worker', async () => {
    const data = await host.call('data.open', { defaultId: 'mnist' })
    const model = await host.call('model.open', { defaultId: 'mnist' })
    // engine.info reports worker 0, which runs a shard of every evaluation; its idle moment releases what was evicted.
    const tensors = async () => {
      await new Promise((r) => setTimeout(r, 100))
      return (await host.call('engine.info', {})).memory.tfTensors
    }
    const before = await tensors()
    const counts: number[] = []
    for (let k = 0; k < OPEN_LIMITS.variants + 4; k++) {
      await host.call('model.evaluate', { modelId: model.id, datasetId: data.id, defense: { kind: 'd2', radii: [k / 2] }, limit: 8 })
      counts.push(await tensors())
    }
    // Each D2 variant owns a copy of the weights, until the limit; past it the oldest is released.
    expect(counts[OPEN_LIMITS.variants - 1]).toBeGreaterThan(before)
    expect(counts.slice(OPEN_LIMITS.variants)).toEqual(counts.slice(OPEN_LIMITS.variants).map(() => counts[OPEN_LIMITS.variants - 1]))
  })
})
