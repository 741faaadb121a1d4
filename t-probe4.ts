import * as ort from 'onnxruntime-node'
import { OnnxGraphBuilder } from './src-main/engine/onnx/graph-builder'
import { writeOnnx } from './src-main/engine/onnx/write-onnx'
import { constTensor } from './src-main/engine/onnx/const-tensor'
import { chooseBackend } from './src-main/engine/backend'
await chooseBackend('wasm')
const S = [256, 32, 28, 28]
async function time(name: string, build: (b: OnnxGraphBuilder, x: string, g: string) => string) {
  const b = new OnnxGraphBuilder()
  const x = b.input('x', [null, 32, 28, 28]); const g = b.input('g', [null, 32, 28, 28])
  const out = build(b, x, g)
  b.outputs.push({ name: out, dims: [null] })
  const s = await ort.InferenceSession.create(writeOnnx(b), { graphOptimizationLevel: 'all', intraOpNumThreads: 1, executionMode: 'sequential' })
  const feeds = { x: new ort.Tensor('float32', new Float32Array(256*32*784).map(() => Math.random() - 0.5), S), g: new ort.Tensor('float32', new Float32Array(256*32*784).map(() => Math.random()), S) }
  const ts: number[] = []
  for (let r = 0; r < 7; r++) { const t = performance.now(); await s.run(feeds); ts.push(performance.now() - t) }
  ts.sort((a, b) => a - b); console.log(name, ts[1].toFixed(1), ts[3].toFixed(1))
  b.dispose()
}
const sh = (b: OnnxGraphBuilder, op: string, ins: string[], attrs = {}) => b.nodeWithShapes(op, ins, attrs, [S])[0]
await time('identity-ish Relu', (b, x) => sh(b, 'Relu', [x]))
await time('A where', (b, x, g) => sh(b, 'Where', [sh(b, 'Greater', [x, b.floatScalar(0)]), g, b.floatScalar(0)]))
await time('B mul cast', (b, x, g) => sh(b, 'Mul', [g, sh(b, 'Cast', [sh(b, 'Greater', [x, b.floatScalar(0)])], { to: 1 })]))
await time('C mul sign relu', (b, x, g) => sh(b, 'Mul', [g, sh(b, 'Sign', [sh(b, 'Relu', [x])])]))
const ints = (b: OnnxGraphBuilder, v: number[]) => b.constant(constTensor('int', [v.length], v))
for (const variant of ['P1', 'P2', 'P3']) {
  await time(variant, (b, x, g) => {
    const blocks = b.nodeWithShapes('Reshape', [x, ints(b, [-1, 32, 14, 2, 14, 2])], {}, [[256,32,14,2,14,2]])[0]
    const win = b.nodeWithShapes('Transpose', [blocks], { perm: [0,1,2,4,3,5] }, [[256,32,14,14,2,2]])[0]
    const flat = b.nodeWithShapes('Reshape', [win, ints(b, [-1, 32, 14, 14, 4])], {}, [[256,32,14,14,4]])[0]
    const dy = b.nodeWithShapes('Slice', [g, ints(b, [0,0]), ints(b, [14,14]), ints(b, [2,3])], {}, [[256,32,14,14]])[0]
    const dyU = b.nodeWithShapes('Unsqueeze', [dy, ints(b, [4])], {}, [[256,32,14,14,1]])[0]
    let routed: string
    if (variant === 'P1') {
      const am = b.nodeWithShapes('ArgMax', [flat], { axis: 4, keepdims: 1 }, [[256,32,14,14,1]])[0]
      routed = b.nodeWithShapes('Where', [b.nodeWithShapes('Equal', [am, ints(b, [0,1,2,3])], {}, [[1]])[0], dyU, b.floatScalar(0)], {}, [[1]])[0]
    } else if (variant === 'P2') {
      const am = b.nodeWithShapes('ArgMax', [flat], { axis: 4, keepdims: 0 }, [[256,32,14,14]])[0]
      const oh = b.nodeWithShapes('OneHot', [am, b.constant(constTensor('int', [], [4])), b.floatConstant([0, 1], [2])], { axis: -1 }, [[256,32,14,14,4]])[0]
      routed = b.nodeWithShapes('Mul', [oh, dyU], {}, [[1]])[0]
    } else {
      const mx = b.nodeWithShapes('ReduceMax', [flat], { axes: [4], keepdims: 1 }, [[1]])[0]
      routed = b.nodeWithShapes('Mul', [b.nodeWithShapes('Cast', [b.nodeWithShapes('Equal', [flat, mx], {}, [[1]])[0]], { to: 1 }, [[1]])[0], dyU], {}, [[1]])[0]
    }
    const un = b.nodeWithShapes('Reshape', [routed, ints(b, [-1, 32, 14, 14, 2, 2])], {}, [[1]])[0]
    const back = b.nodeWithShapes('Transpose', [un], { perm: [0,1,2,4,3,5] }, [[1]])[0]
    return b.nodeWithShapes('Reshape', [back, ints(b, [-1, 32, 28, 28])], {}, [S])[0]
  })
}
