import * as tf from '@tensorflow/tfjs-core'
import { chooseBackend } from './src-main/engine/backend'
import { registerFastWasmKernels } from './src-main/engine/kernels'
import { paperCnn } from './src-main/engine/models/architectures'
import { LayersClassifier } from './src-main/engine/models/layers-classifier'
import { createOrtClassifier } from './src-main/engine/onnx/ort-classifier'
await chooseBackend('wasm'); registerFastWasmKernels()
const net = paperCnn([28, 28, 1], 10)
const info = { name: 'paper', format: 'x', source: 'x', inputShape: [28,28,1] as [number,number,number], inputRange: [0,1] as [number,number], classes: [...Array(10).keys()].map(String), layers: [], totalParams: 0, gradients: true, sha256: '', variant: '' }
const m = new LayersClassifier(net, info)
const n = 256
const x = tf.randomUniform([n, 28, 28, 1]); const xd = x.dataSync() as Float32Array
const labels = Array.from({length: n}, (_, i) => i % 10)
const s = await createOrtClassifier(m)
for (let r = 0; r < 8; r++) { let t = performance.now(); await s.scoreBatch(xd, n); const f = performance.now() - t; t = performance.now(); await s.inputGradient!(xd, labels); console.log('ort fwd', f.toFixed(1), 'grad', (performance.now() - t).toFixed(1)) }
const oh = tf.oneHot(tf.tensor1d(labels, 'int32'), 10)
for (let r = 0; r < 2; r++) {
  let t = performance.now(); tf.tidy(() => m.logits(x as tf.Tensor4D).dataSync()); const f = performance.now() - t
  t = performance.now(); tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.losses.softmaxCrossEntropy(oh, m.logits(xx as tf.Tensor4D), undefined, 0, tf.Reduction.NONE)))(x).dataSync()); console.log('wasm fwd', f.toFixed(1), 'grad', (performance.now() - t).toFixed(1))
}
