/**
 * Logits of the labelled images on TF.js wasm, the TF.js cpu backend and onnxruntime, as
 * OUT/logits.json ({engine: number[n][classes]}), for scripts/reference/mobilenet_v2_f64.py to compare with
 * its float64 rebuild. The model is opened as the CLI opens it (final softmax removed).
 *
 *   node --import tsx scripts/mobilenet-v2-logits.ts OUT   (OUT as written by scripts/mobilenet-v2-check.sh)
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { chooseBackend } from '../src-main/engine/compute/backend'
import { openModel } from '../src-main/engine/loaders'
import { createOrtClassifier } from '../src-main/engine/onnx'
import { registerFastWasmOps } from '../src-main/engine/ops'
import { parseNpyHeader } from '../src-main/engine/data/npy-format'

const out = process.argv[2]
if (!out) throw new Error('usage: node --import tsx scripts/mobilenet-v2-logits.ts OUT')
const file = join(out, 'mnv2', 'labelled', 'images.npy')
const bytes = new Uint8Array(readFileSync(file))
const { shape, dataOffset } = parseNpyHeader(file, bytes)
const [n, h, w, c] = shape
// scripts/mobilenet-v2.ts writes float32 little-endian images.
const pixels = new Float32Array(bytes.slice(dataOffset).buffer)
const rows = (flat: Float32Array) =>
  Array.from({ length: n }, (_, i) => Array.from(flat.subarray((i * flat.length) / n, ((i + 1) * flat.length) / n)))

const logits: Record<string, number[][]> = {}
for (const backend of ['wasm', 'cpu'] as const) {
  await chooseBackend(backend)
  if (backend === 'wasm') registerFastWasmOps()
  const model = await openModel(join(out, 'mnv2', 'model.json'))
  logits[backend] = rows(tf.tidy(() => model.logits(tf.tensor4d(pixels, [n, h, w, c])).dataSync() as Float32Array))
  if (backend === 'cpu') {
    const scorer = await createOrtClassifier(model)
    logits.onnxruntime = rows(await scorer.scoreBatch(pixels, n))
    await scorer.dispose()
  }
  model.dispose()
}
writeFileSync(join(out, 'logits.json'), JSON.stringify(logits))
console.log(`logits of ${n} images on ${Object.keys(logits).join(', ')} -> ${join(out, 'logits.json')}`)
