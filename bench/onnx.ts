import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
import { chooseBackend } from '../src-main/engine/compute/backend'
import { registerFastWasmOps, restoreStockWasmOps } from '../src-main/engine/ops'
import { paperCnn, type LoadedModel } from '../src-main/engine/models'
import { defaultModels, openDefaultModel } from '../src-main/engine/loaders'
import { LayersClassifier } from '../src-main/engine/models/layers-classifier'
import { createOrtClassifier } from '../src-main/engine/onnx'
import { medianMs } from './median-ms'
import type { BenchRow } from './row'

const BATCH = 256
const PYTHON = '/usr/bin/python3'

function row(workload: string, ours: number, baseline: number | null, maxRatio: number): BenchRow {
  const ratio = baseline === null ? null : ours / baseline
  return {
    workload,
    ours: Number(ours.toFixed(1)),
    baseline: baseline === null ? null : Number(baseline.toFixed(1)),
    ratio: ratio === null ? null : Number(ratio.toFixed(3)),
    target: `<= ${maxRatio}`,
    pass: ratio === null ? null : ratio <= maxRatio,
    unit: 'ms',
  }
}

/** The embedded MNIST default model when it has been trained, else the same architecture (docs/algorithms.md §Models) with seeded weights. */
async function mnistModel(): Promise<{ model: LoadedModel; which: string }> {
  if (defaultModels().some((m) => m.id === 'mnist')) return { model: await openDefaultModel('mnist'), which: 'default mnist model' }
  const classes = Array.from({ length: 10 }, (_, i) => String(i))
  const net = paperCnn([28, 28, 1], 10, 0)
  const info = {
    name: 'paper_cnn',
    format: 'tfjs-layers',
    source: 'architectures.paperCnn',
    inputShape: [28, 28, 1] as [number, number, number],
    inputRange: [0, 1] as [number, number],
    classes,
    layers: [],
    totalParams: net.countParams(),
    gradients: true,
    sha256: '',
    variant: '',
  }
  return { model: new LayersClassifier(net, info), which: 'paper CNN (seeded weights; no trained default model in resources/models)' }
}

const TORCH_SCRIPT = `
import json, time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(2)
torch.manual_seed(0)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5, padding=2)
        self.conv2 = nn.Conv2d(32, 64, 5, padding=2)
        self.fc1 = nn.Linear(3136, 1024)
        self.fc2 = nn.Linear(1024, 10)
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))
net = Net().eval()
for p in net.parameters():
    p.requires_grad_(False)
x = torch.rand(${BATCH}, 1, 28, 28)
y = torch.arange(${BATCH}) % 10
def forward():
    with torch.no_grad():
        net(x)
def grad():
    xi = x.clone().requires_grad_(True)
    F.cross_entropy(net(xi), y, reduction='sum').backward()
def median(f, n):
    f()
    ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); ts.append((time.perf_counter() - t) * 1000)
    return sorted(ts)[n // 2]
print(json.dumps({'forward': median(forward, 7), 'grad': median(grad, 7)}))
`

/** PyTorch's times for the same architecture and batch (2 threads, frozen weights), or null without torch. */
function pytorchMs(): { forward: number; grad: number } | null {
  if (!existsSync(PYTHON)) return null
  const run = spawnSync(PYTHON, ['-c', TORCH_SCRIPT], { encoding: 'utf8', timeout: 300_000 })
  if (run.status !== 0) return null
  try {
    return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as { forward: number; grad: number }
  } catch {
    return null
  }
}

/**
 * onnxruntime (2 intra-op threads) against TF.js wasm and PyTorch on the paper's MNIST CNN,
 * batch 256: the forward pass and the input gradient of the summed cross-entropy.
 */
export async function benchOnnx(): Promise<BenchRow[]> {
  await chooseBackend('wasm')
  registerFastWasmOps()
  const { model, which } = await mnistModel()
  const images = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D
  const pixels = images.dataSync() as Float32Array
  const labels = Array.from({ length: BATCH }, (_, i) => i % 10)
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 10)
  const scorer = await createOrtClassifier(model, { threads: 2 })
  try {
    const ortForward = await medianMs(() => scorer.scoreBatch(pixels, BATCH), 9)
    const ortGrad = await medianMs(() => scorer.inputGradient?.(pixels, labels), 9)
    const wasmForward = await medianMs(() => tf.tidy(() => model.logits(images).dataSync()), 5)
    const inputGrad = tf.grad((x: tf.Tensor) =>
      tf.sum(tf.losses.softmaxCrossEntropy(oneHot, model.logits(x as tf.Tensor4D), undefined, 0, tf.Reduction.NONE)),
    )
    const wasmGrad = await medianMs(() => tf.tidy(() => inputGrad(images).dataSync()), 3)
    restoreStockWasmOps()
    const stockGrad = await medianMs(() => tf.tidy(() => inputGrad(images).dataSync()), 1)
    registerFastWasmOps()
    const torch = pytorchMs()
    const what = `MNIST ${which}, batch ${BATCH}`
    return [
      row(`onnx-forward-b256: onnxruntime 2 threads, ${what}; baseline: TF.js wasm forward`, ortForward, wasmForward, 0.2),
      row(
        `onnx-input-grad-b256: onnxruntime gradient graph, ${what}; baseline: TF.js wasm input gradient with HFC Lab's fast kernels`,
        ortGrad,
        wasmGrad,
        0.1,
      ),
      row(
        `onnx-input-grad-b256: onnxruntime gradient graph, ${what}; baseline: stock TF.js wasm input gradient (its own kernels)`,
        ortGrad,
        stockGrad,
        0.1,
      ),
      row(
        `onnx-input-grad-b256: onnxruntime gradient graph, ${what}; baseline: PyTorch 2 threads, weights frozen`,
        ortGrad,
        torch?.grad ?? null,
        1,
      ),
      row(
        `onnx-forward-b256: onnxruntime 2 threads, ${what}; baseline: PyTorch 2 threads (no_grad)`,
        ortForward,
        torch?.forward ?? null,
        1,
      ),
    ]
  } finally {
    await scorer.dispose()
    tf.dispose([images, oneHot])
    model.dispose()
  }
}

// `node --import tsx bench/onnx.ts` runs this benchmark alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  benchOnnx().then((rows) => console.table(rows))
}
