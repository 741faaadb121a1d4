/**
 * The direct check of scripts/reference/mobilenet_v2_f64.py's fit: for every ReLU6 unit whose
 * gradient mask it flipped to reproduce an engine's gradient, the unit's float32 pre-activation
 * on TF.js wasm and on the TF.js cpu backend (the input of that ReLU layer, read from a sub-model).
 * A flip fitted for wasm or cpu is confirmed when that engine's value lies on the other side of
 * the boundary from the float64 one (the mask 0 < x <= 6 differs).
 *
 *   node --import tsx scripts/mobilenet-v2-units.ts OUT   (after the float64 script wrote OUT/f64-comparison.json)
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { chooseBackend } from '../src-main/engine/compute/backend'
import { parseNpyHeader } from '../src-main/engine/data/npy-format'
import { registerFastWasmOps } from '../src-main/engine/ops'

interface Row {
  image: number
  /** Per engine: each flipped unit, its index [0, c, y, x] (NCHW) and float64 pre-activation. */
  flips: Record<string, { layer: string; index: number[]; f64: number }[]>
}

const out = process.argv[2]
if (!out) throw new Error('usage: node --import tsx scripts/mobilenet-v2-units.ts OUT')
const rows = JSON.parse(readFileSync(join(out, 'f64-comparison.json'), 'utf8')) as Row[]
const modelJson = JSON.parse(readFileSync(join(out, 'mnv2', 'model.json'), 'utf8')) as tf.io.ModelJSON
const weights = readFileSync(join(out, 'mnv2', 'weights.bin'))
const file = join(out, 'mnv2', 'labelled', 'images.npy')
const bytes = new Uint8Array(readFileSync(file))
const { shape, dataOffset } = parseNpyHeader(file, bytes)
const [, h, w, c] = shape
// scripts/mobilenet-v2.ts writes float32 little-endian images.
const pixels = new Float32Array(bytes.slice(dataOffset).buffer)

const units = rows.flatMap((row) =>
  Object.entries(row.flips).flatMap(([engine, flips]) =>
    flips.map(({ layer, index: [, channel, y, x], f64 }) => ({ image: row.image, engine, layer, channel, y, x, f64 })),
  ),
)
const value: Record<string, number[]> = {}
for (const backend of ['wasm', 'cpu'] as const) {
  await chooseBackend(backend)
  if (backend === 'wasm') registerFastWasmOps()
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  )
  value[backend] = units.map((u) => {
    const sub = tfl.model({ inputs: model.inputs, outputs: model.getLayer(u.layer).input as tfl.SymbolicTensor })
    const image = tf.tensor4d(pixels.subarray(u.image * h * w * c, (u.image + 1) * h * w * c), [1, h, w, c])
    const v = tf.tidy(() => tf.slice(sub.predict(image) as tf.Tensor4D, [0, u.y, u.x, u.channel], [1, 1, 1, 1]).dataSync()[0])
    image.dispose()
    return v
  })
  model.dispose()
}
console.log(
  "fitted ReLU6 flips: the offset of each unit's pre-activation from its clip boundary (0 or 6) in float64 and in float32 on TF.js wasm and cpu ('*': gradient mask differs from float64's)",
)
const boundaryOf = (v: number) => (Math.abs(v) < Math.abs(v - 6) ? 0 : 6)
const offset = (v: number, b: number) => `${b}${v - b >= 0 ? '+' : ''}${(v - b).toExponential(2)}`.padStart(11)
// The gradient mask of every engine's ReLU6 (docs/algorithms.md §Attacks).
const passes = (v: number) => v > 0 && v <= 6
const side = (v: number, ref: number) => `${offset(v, boundaryOf(ref))}${passes(v) !== passes(ref) ? '*' : ' '}`
units.forEach((u, i) => {
  const name = `${u.layer}[c${u.channel}, ${u.y}, ${u.x}]`
  console.log(
    `image ${u.image} fitted for ${u.engine.padEnd(11)} ${name.padEnd(36)} float64 ${offset(u.f64, boundaryOf(u.f64))}  wasm ${side(value.wasm[i], u.f64)}  cpu ${side(value.cpu[i], u.f64)}`,
  )
})
