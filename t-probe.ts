import * as tf from '@tensorflow/tfjs-core'
import { readFileSync } from 'node:fs'
import { chooseBackend } from './src-main/engine/backend'
import { registerFastWasmKernels } from './src-main/engine/kernels'
import { openOnnxModel } from './src-main/engine/onnx/open-onnx-model'
import { exportOnnx } from './src-main/engine/onnx/export-onnx'
import { createOrtSession, loadOnnxRuntime } from './src-main/engine/onnx/ort-session'
await chooseBackend('wasm'); registerFastWasmKernels()
const ort = await loadOnnxRuntime()
function npy(p: string) { const b = readFileSync(p); const hl = b.readUInt16LE(8); const h = b.subarray(10, 10+hl).toString(); const shape = /\(([^)]*)\)/.exec(h)![1].split(',').filter(s=>s.trim()).map(Number); const body = b.subarray(10+hl); return { shape, data: h.includes('u1') ? Float32Array.from(body) : new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset+body.byteLength)) } }
for (const [name, range] of [['mnist_cnn_narrow', undefined], ['resnet_bn_cifar', undefined], ['reshape_zoo_mnist', [0,255]]] as const) {
  const m = await openOnnxModel(`tests/fixtures/onnx/${name}.onnx`, range ? { inputRange: range as [number, number] } : {})
  const x = npy(`tests/fixtures/onnx/${name}_input.npy`); const ref = npy(`tests/fixtures/onnx/${name}_logits.npy`)
  const bytes = exportOnnx(m.model, { inputLayout: 'nhwc', scaleFromUnit: m.info.inputRange })
  const s = await createOrtSession(bytes)
  const out = await s.run({ input: new ort.Tensor('float32', x.data, x.shape) })
  const logits = out.logits.data as Float32Array
  let d = 0; for (let i = 0; i < logits.length; i++) d = Math.max(d, Math.abs(logits[i] - ref.data[i]))
  console.log(name, 'bytes', bytes.length, 'ORT(exported) vs torch', d)
  const orig = await createOrtSession(readFileSync(`tests/fixtures/onnx/${name}.onnx`))
  const nchw = tf.tidy(() => tf.transpose(tf.mul(tf.tensor(x.data, x.shape), range ? 255 : 1), [0,3,1,2]).dataSync() as Float32Array)
  const o2 = await orig.run({ input: new ort.Tensor('float32', nchw, [x.shape[0], x.shape[3], x.shape[1], x.shape[2]]) })
  console.log('  original via ORT output[0..3]', Array.from((o2.output.data as Float32Array).slice(0, 3)))
}
