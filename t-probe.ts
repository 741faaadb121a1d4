import * as tf from '@tensorflow/tfjs-core'
import { readFileSync } from 'node:fs'
import { chooseBackend } from './src-main/engine/backend'
import { registerFastWasmKernels } from './src-main/engine/kernels'
import { openOnnxModel } from './src-main/engine/onnx/open-onnx-model'
await chooseBackend('wasm'); registerFastWasmKernels()
function npy(p: string) { const b = readFileSync(p); const hl = b.readUInt16LE(8); const h = b.subarray(10, 10+hl).toString(); const shape = /\(([^)]*)\)/.exec(h)![1].split(',').filter(s=>s.trim()).map(Number); const body = b.subarray(10+hl); return { shape, data: h.includes('u1') ? Float32Array.from(body) : new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset+body.byteLength)) } }
for (const [name, range] of [['mnist_cnn_narrow', undefined], ['resnet_bn_cifar', undefined], ['reshape_zoo_mnist', [0,255]]] as const) {
  const t0 = Date.now()
  const m = await openOnnxModel(`tests/fixtures/onnx/${name}.onnx`, range ? { inputRange: range as [number, number] } : {})
  console.log(name, Date.now()-t0, 'ms', m.info.inputShape, m.info.gradients, m.info.totalParams, m.model.layers.map(l => l.getClassName()).join(' '))
  const x = npy(`tests/fixtures/onnx/${name}_input.npy`); const ref = npy(`tests/fixtures/onnx/${name}_logits.npy`)
  const logits = tf.tidy(() => m.logits(tf.tensor(x.data, x.shape) as tf.Tensor4D).dataSync())
  let d = 0; for (let i = 0; i < logits.length; i++) d = Math.max(d, Math.abs(logits[i] - ref.data[i]))
  const labels = npy(`tests/fixtures/onnx/${name}_labels.npy`); const gref = npy(`tests/fixtures/onnx/${name}_grad.npy`)
  const g = tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels.data, 'int32'), 10), m.logits(xx as tf.Tensor4D), undefined, 0, tf.Reduction.NONE)))(tf.tensor(x.data, x.shape)).dataSync())
  let gd = 0, gm = 0; for (let i = 0; i < g.length; i++) { gd = Math.max(gd, Math.abs(g[i] - gref.data[i])); gm = Math.max(gm, Math.abs(gref.data[i])) }
  console.log('  max logit diff', d, 'grad diff', gd, 'grad max', gm)
}
