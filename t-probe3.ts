import * as tf from '@tensorflow/tfjs-core'
import { readFileSync, writeFileSync } from 'node:fs'
import * as ort from 'onnxruntime-node'
import { chooseBackend } from './src-main/engine/backend'
import { registerFastWasmKernels } from './src-main/engine/kernels'
import { paperCnn } from './src-main/engine/models/architectures'
import { buildForwardGraph } from './src-main/engine/onnx/export-onnx'
import { appendInputGradient } from './src-main/engine/onnx/gradient-graph'
import { writeOnnx } from './src-main/engine/onnx/write-onnx'
await chooseBackend('wasm'); registerFastWasmKernels()
const net = paperCnn([28, 28, 1], 10)
const { builder, input, logits } = buildForwardGraph(net, { inputLayout: 'nhwc' })
appendInputGradient(builder, input, logits)
const bytes = writeOnnx(builder)
writeFileSync('/tmp/paper_grad.onnx', bytes)
const s = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: Number(process.env.T ?? 2), interOpNumThreads: 1, executionMode: 'sequential', enableProfiling: true, profileFilePrefix: '/tmp/ortprof' })
const n = 256
const x = new ort.Tensor('float32', new Float32Array(n * 784).map(() => Math.random()), [n, 28, 28, 1])
const lab = new Float32Array(n * 10); for (let i = 0; i < n; i++) lab[i * 10 + (i % 10)] = 1
for (let r = 0; r < 6; r++) { const t = performance.now(); await s.run({ input: x, labels: new ort.Tensor('float32', lab, [n, 10]) }); console.log('grad run', (performance.now() - t).toFixed(1)) }
const file = s.endProfiling()
console.log(file)
