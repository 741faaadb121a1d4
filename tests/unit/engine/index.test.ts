import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import * as engine from '../../../src-main/engine'
import { REPO } from '../paths'

describe('the engine as a library (src-main/engine/index.ts)', () => {
  it('opens the embedded MNIST set and splits a digit into x_l + x_h, x_l the mean image at strict r = 1', async () => {
    await engine.chooseBackend('wasm')
    const dataset = await engine.openDefaultDataset('mnist')
    expect(dataset.info.shape).toEqual([28, 28, 1])
    const pixels = await dataset.read([0])
    const x = tf.tensor4d(pixels, [1, 28, 28, 1])
    const { low, high } = engine.decompose(x, 1)
    const [lowValues, highValues] = [low.dataSync(), high.dataSync()]
    const mean = pixels.reduce((s, v) => s + v, 0) / pixels.length
    for (let k = 0; k < pixels.length; k++) {
      expect(lowValues[k] + highValues[k]).toBeCloseTo(pixels[k], 5)
      expect(lowValues[k]).toBeCloseTo(mean, 5)
    }
    tf.dispose([x, low, high])
  })

  it('runs a model on onnxruntime once attachEngine gives it that engine: the same top-1 classes as TF.js', async () => {
    await engine.chooseBackend('wasm')
    const dataset = await engine.openDefaultDataset('mnist')
    const plain = await engine.openDefaultModel('mnist')
    const runnable = await engine.attachEngine('onnxruntime', await engine.openDefaultModel('mnist'), { threads: 1 })
    expect(engine.engineOf(plain)).toBeUndefined()
    expect(runnable.engine.assignment).toMatchObject({ forward: 'onnxruntime', gradient: 'onnxruntime' })
    const source = { dataset, indices: Int32Array.from({ length: 64 }, (_, i) => i) }
    const [onTfjs, onOrt] = [await engine.accuracy(plain, source), await engine.accuracy(runnable, source)]
    expect(Array.from(onOrt.predictions)).toEqual(Array.from(onTfjs.predictions))
    expect(onOrt.accuracy).toBeGreaterThan(0.9)
    await runnable.engine.dispose()
    plain.dispose()
    runnable.dispose()
  })

  it('is the package export, with its types', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      main: string
      exports: Record<string, { types: string; import: string }>
    }
    expect(pkg.main).toBe('out/main/index.js')
    expect(pkg.exports['.']).toEqual({ types: './out/types/engine/index.d.ts', import: './out/main/engine.js' })
    // The declarations npm run build emits (tsconfig.types.json) land where the export points.
    const emit = JSON.parse(readFileSync(join(REPO, 'tsconfig.types.json'), 'utf8')) as {
      compilerOptions: { rootDir: string; outDir: string }
      files: string[]
    }
    const { rootDir, outDir } = emit.compilerOptions
    expect(emit.files).toEqual(['src-main/engine/index.ts'])
    expect(`./${outDir}/${relative(rootDir, emit.files[0]).replace(/\.ts$/, '.d.ts')}`).toBe(pkg.exports['.'].types)
  })
})
