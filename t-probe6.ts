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
if (!process.env.FWD) appendInputGradient(builder, input, logits)
const s = await ort.InferenceSession.create(writeOnnx(builder), { graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', enableProfiling: true, profileFilePrefix: '/tmp/ortp' })
const n = 256
const x = new ort.Tensor('float32', new Float32Array(n * 784).map(() => Math.random()), [n, 28, 28, 1])
const lab = new Float32Array(n * 10); for (let i = 0; i < n; i++) lab[i * 10 + (i % 10)] = 1
const feeds: Record<string, ort.Tensor> = { input: x }; if (!process.env.FWD) feeds.labels = new ort.Tensor('float32', lab, [n, 10])
for (let r = 0; r < 5; r++) await s.run(feeds)
console.log(s.endProfiling())
