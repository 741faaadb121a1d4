import * as tf from '@tensorflow/tfjs-core'
import { readFileSync } from 'node:fs'
import { chooseBackend } from './src-main/engine/backend'
import { registerFastWasmKernels } from './src-main/engine/kernels'
import { openOnnxModel } from './src-main/engine/onnx/open-onnx-model'
import { createOrtClassifier } from './src-main/engine/onnx/ort-classifier'
await chooseBackend('wasm'); registerFastWasmKernels()
function npy(p: string) { const b = readFileSync(p); const hl = b.readUInt16LE(8); const h = b.subarray(10, 10+hl).toString(); const shape = /\(([^)]*)\)/.exec(h)![1].split(',').filter(s=>s.trim()).map(Number); const body = b.subarray(10+hl); return { shape, data: h.includes('u1') ? Float32Array.from(body) : new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset+body.byteLength)) } }
for (const [name, range] of [['mnist_cnn_narrow', undefined], ['resnet_bn_cifar', undefined], ['reshape_zoo_mnist', [0,255]]] as const) {
  const m = await openOnnxModel(`tests/fixtures/onnx/${name}.onnx`, range ? { inputRange: range as [number, number] } : {})
  const x = npy(`tests/fixtures/onnx/${name}_input.npy`); const ref = npy(`tests/fixtures/onnx/${name}_logits.npy`)
  const labels = npy(`tests/fixtures/onnx/${name}_labels.npy`); const gref = npy(`tests/fixtures/onnx/${name}_grad.npy`)
  const s = await createOrtClassifier(m)
  console.log(name, 'gradient?', !!s.inputGradient, s.gradientUnavailable ?? '')
  const logits = await s.scoreBatch(x.data, x.shape[0])
  let d = 0; for (let i = 0; i < logits.length; i++) d = Math.max(d, Math.abs(logits[i] - ref.data[i]))
  console.log('  logits diff', d)
  if (s.inputGradient) {
    const g = await s.inputGradient(x.data, Array.from(labels.data))
    let gd = 0, gm = 0; for (let i = 0; i < g.grad.length; i++) { gd = Math.max(gd, Math.abs(g.grad[i] - gref.data[i])); gm = Math.max(gm, Math.abs(gref.data[i])) }
    console.log('  grad diff', gd, 'of', gm, 'loss', Array.from(g.loss.slice(0, 3)))
  }
  await s.dispose()
}
