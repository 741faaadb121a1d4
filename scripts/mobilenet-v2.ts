/**
 * Writes a seeded MobileNetV2 (Keras applications' architecture: inverted residual blocks of 1x1
 * expand, DepthwiseConv2D, 1x1 project, BatchNormalization, ReLU6, ZeroPadding2D before each
 * stride-2 depthwise) as a TF.js Layers model folder (model.json + weights.bin), so the MobileNet
 * family can be tried end to end without downloading weights. The weights are random (seeded),
 * including the BatchNormalization statistics, so every BN layer does something a test can see.
 *
 *   node --import tsx scripts/mobilenet-v2.ts OUT_DIR [--alpha 0.35] [--size 224] [--classes 1000] [--labelled N]
 *
 * With --labelled N it also writes OUT_DIR/labelled/{images,labels}.npy: the first N embedded
 * imagenet-samples (torchvision resize to the model's size) labelled with the model's own clean
 * predictions, so that every image starts correctly classified and an attack has something to flip.
 * scripts/mobilenet-v2-check.sh runs the CLI on both.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { openDefaultDataset } from '../src-main/engine/data'
import { saveLayersModel } from '../src-main/engine/models'
import { encodeNpy } from '../src-main/protocol/npy'

export interface MobileNetV2Options {
  /** Width multiplier (Keras `alpha`). */
  alpha: number
  /** Square input size in pixels (even). */
  size: number
  classes: number
  seed?: number
}

/** Keras' _make_divisible: rounds channel counts to multiples of 8, never more than 10 % down. */
function makeDivisible(v: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor(v + divisor / 2) - (Math.floor(v + divisor / 2) % divisor))
  return rounded < 0.9 * v ? rounded + divisor : rounded
}

/** The blocks of Keras' MobileNetV2 after the stem: (filters, stride, expansion). */
const BLOCKS: ReadonlyArray<[number, number, number]> = [
  [16, 1, 1],
  [24, 2, 6],
  [24, 1, 6],
  [32, 2, 6],
  [32, 1, 6],
  [32, 1, 6],
  [64, 2, 6],
  [64, 1, 6],
  [64, 1, 6],
  [64, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [160, 2, 6],
  [160, 1, 6],
  [160, 1, 6],
  [320, 1, 6],
]

/** Builds the network; `seed` fixes every weight, BatchNormalization statistics included. */
export function mobileNetV2({ alpha, size, classes, seed = 0 }: MobileNetV2Options): tfl.LayersModel {
  let nextSeed = seed * 1000
  const init = () => tfl.initializers.heNormal({ seed: ++nextSeed })
  const bn = (name: string) => tfl.layers.batchNormalization({ name, epsilon: 1e-3, momentum: 0.999 })
  const relu6 = (name: string) => tfl.layers.reLU({ name, maxValue: 6 })
  // Keras' correct_pad for even sizes: one row and column more at the bottom and right.
  const pad = (name: string) =>
    tfl.layers.zeroPadding2d({
      name,
      padding: [
        [0, 1],
        [0, 1],
      ],
    })

  const input = tfl.input({ shape: [size, size, 3], name: 'input_1' })
  let x = pad('Conv1_pad').apply(input) as tfl.SymbolicTensor
  const stem = makeDivisible(32 * alpha)
  x = tfl.layers
    .conv2d({ name: 'Conv1', filters: stem, kernelSize: 3, strides: 2, padding: 'valid', useBias: false, kernelInitializer: init() })
    .apply(x) as tfl.SymbolicTensor
  x = relu6('Conv1_relu').apply(bn('bn_Conv1').apply(x)) as tfl.SymbolicTensor
  let channels = stem
  BLOCKS.forEach(([filters, stride, expansion], id) => {
    const prefix = id ? `block_${id}_` : 'expanded_conv_'
    const outChannels = makeDivisible(Math.floor(filters * alpha))
    const inputs = x
    if (id) {
      x = tfl.layers
        .conv2d({ name: `${prefix}expand`, filters: channels * expansion, kernelSize: 1, useBias: false, kernelInitializer: init() })
        .apply(x) as tfl.SymbolicTensor
      x = relu6(`${prefix}expand_relu`).apply(bn(`${prefix}expand_BN`).apply(x)) as tfl.SymbolicTensor
    }
    if (stride === 2) x = pad(`${prefix}pad`).apply(x) as tfl.SymbolicTensor
    x = tfl.layers
      .depthwiseConv2d({
        name: `${prefix}depthwise`,
        kernelSize: 3,
        strides: stride,
        padding: stride === 1 ? 'same' : 'valid',
        useBias: false,
        depthwiseInitializer: init(),
      })
      .apply(x) as tfl.SymbolicTensor
    x = relu6(`${prefix}depthwise_relu`).apply(bn(`${prefix}depthwise_BN`).apply(x)) as tfl.SymbolicTensor
    x = tfl.layers
      .conv2d({ name: `${prefix}project`, filters: outChannels, kernelSize: 1, useBias: false, kernelInitializer: init() })
      .apply(x) as tfl.SymbolicTensor
    x = bn(`${prefix}project_BN`).apply(x) as tfl.SymbolicTensor
    if (channels === outChannels && stride === 1) x = tfl.layers.add({ name: `${prefix}add` }).apply([inputs, x]) as tfl.SymbolicTensor
    channels = outChannels
  })
  const last = alpha > 1 ? makeDivisible(1280 * alpha) : 1280
  x = tfl.layers
    .conv2d({ name: 'Conv_1', filters: last, kernelSize: 1, useBias: false, kernelInitializer: init() })
    .apply(x) as tfl.SymbolicTensor
  x = relu6('out_relu').apply(bn('Conv_1_bn').apply(x)) as tfl.SymbolicTensor
  x = tfl.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x) as tfl.SymbolicTensor
  const output = tfl.layers
    .dense({
      name: 'predictions',
      units: classes,
      activation: 'softmax',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: ++nextSeed }),
    })
    .apply(x) as tfl.SymbolicTensor
  const model = tfl.model({ inputs: input, outputs: output, name: `mobilenetv2_${alpha}_${size}` })
  randomiseBatchNorm(model, nextSeed + 1)
  return model
}

/**
 * Seeded gamma and beta, and moving statistics measured on seeded noise images, layer by layer
 * (as a trained network's are on its data): with He-initialised convolutions and the stock
 * statistics (mean 0, variance 1) the activations grow block by block until every ReLU6 clips
 * at 6 and the output no longer depends on the image; calibrated, each BN output is about
 * N(beta, gamma²), so predictions and input gradients vary from image to image.
 */
function randomiseBatchNorm(model: tfl.LayersModel, seed: number): void {
  let s = seed
  const [, h, w, c] = model.inputs[0].shape as number[]
  const noise = tf.randomUniform([8, h, w, c], 0, 1, 'float32', ++s)
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue
    // getWeights hands out the variables' own tensors, which setWeights assigns over (not to dispose).
    const n = layer.getWeights()[0].shape[0]
    const prefix = tfl.model({ inputs: model.inputs, outputs: layer.input as tfl.SymbolicTensor })
    const weights = tf.tidy(() => {
      const { mean, variance } = tf.moments(prefix.predict(noise) as tf.Tensor4D, [0, 1, 2])
      return [tf.randomUniform([n], 0.8, 1.2, 'float32', ++s), tf.randomUniform([n], -0.1, 0.1, 'float32', ++s), mean, variance]
    })
    layer.setWeights(weights)
    tf.dispose(weights)
  }
  noise.dispose()
}

/** Builds the network on the cpu backend and writes it to `dir` as a TF.js Layers model, with `labelled` self-labelled images. */
export async function writeMobileNetV2(dir: string, options: MobileNetV2Options, labelled = 0): Promise<void> {
  await tf.setBackend('cpu')
  const model = mobileNetV2(options)
  try {
    await saveLayersModel(model, dir)
    if (labelled > 0) await writeSelfLabelled(model, join(dir, 'labelled'), options.size, labelled)
  } finally {
    model.dispose()
  }
}

async function writeSelfLabelled(model: tfl.LayersModel, dir: string, size: number, n: number): Promise<void> {
  const data = await openDefaultDataset('imagenet-samples', { size: [size, size], resize: 'torchvision' })
  try {
    const images = await data.read(Array.from({ length: n }, (_, i) => i))
    const predicted = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(images, [n, size, size, 3])) as tf.Tensor, 1).dataSync())
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'images.npy'), encodeNpy(images, [n, size, size, 3]))
    await writeFile(join(dir, 'labels.npy'), encodeNpy(Int32Array.from(predicted), [n]))
  } finally {
    await data.close?.()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2)
  const flag = (name: string, fallback: number) => {
    const at = args.indexOf(`--${name}`)
    return at >= 0 ? Number(args[at + 1]) : fallback
  }
  const dir = args[0]
  if (!dir || dir.startsWith('--'))
    throw new Error('usage: node --import tsx scripts/mobilenet-v2.ts OUT_DIR [--alpha A] [--size S] [--classes N] [--labelled N]')
  const options = { alpha: flag('alpha', 0.35), size: flag('size', 224), classes: flag('classes', 1000), seed: flag('seed', 0) }
  await writeMobileNetV2(resolve(dir), options, flag('labelled', 0))
  console.log(`MobileNetV2 alpha ${options.alpha}, ${options.size}x${options.size}, ${options.classes} classes -> ${resolve(dir)}`)
}
