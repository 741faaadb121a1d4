import * as ort from 'onnxruntime-node'
import { chooseBackend } from './src-main/engine/backend'
import { registerFastWasmKernels } from './src-main/engine/kernels'
import { paperCnn } from './src-main/engine/models/architectures'
import { buildForwardGraph } from './src-main/engine/onnx/export-onnx'
import { appendInputGradient } from './src-main/engine/onnx/gradient-graph'
import { writeOnnx } from './src-main/engine/onnx/write-onnx'
await chooseBackend('wasm'); registerFastWasmKernels()
const net = paperCnn([28, 28, 1], 10)
const T = Number(process.env.T ?? 2)
const sessions: ort.InferenceSession[] = []
for (const grad of [false, true]) {
  const { builder, input, logits } = buildForwardGraph(net, { inputLayout: 'nhwc' })
  if (grad) appendInputGradient(builder, input, logits)
  sessions.push(await ort.InferenceSession.create(writeOnnx(builder), { graphOptimizationLevel: 'all', intraOpNumThreads: T, interOpNumThreads: 1, executionMode: 'sequential' }))
  builder.dispose()
}
const n = 256
const x = new ort.Tensor('float32', new Float32Array(n * 784).map(() => Math.random()), [n, 28, 28, 1])
const lab = new Float32Array(n * 10); for (let i = 0; i < n; i++) lab[i * 10 + (i % 10)] = 1
const labels = new ort.Tensor('float32', lab, [n, 10])
const times = [[], []] as number[][]
for (let r = 0; r < 10; r++) for (let v = 0; v < 2; v++) { const t = performance.now(); await sessions[v].run(v ? { input: x, labels } : { input: x }); times[v].push(performance.now() - t) }
times.forEach((ts, i) => { const s = ts.slice(1).sort((a, b) => a - b); console.log(i ? 'grad' : 'fwd ', 'median', s[Math.floor(s.length / 2)].toFixed(1), 'min', s[0].toFixed(1)) })
