import * as tfl from '@tensorflow/tfjs-layers'

type Initializer = ReturnType<typeof tfl.initializers.truncatedNormal>

/** Truncated normal, std 0.1, as in the paper's TF code; seeded per layer so a run is reproducible. */
function paperInit(seed: number): Initializer {
  return tfl.initializers.truncatedNormal({ mean: 0, stddev: 0.1, seed })
}

/**
 * The paper's "simple five-layer CNN" (docs/algorithms.md §Models): conv5x5/32 SAME relu → maxpool 2 → conv5x5/64
 * SAME relu → maxpool 2 → dense 1024 relu → dropout 0.5 → dense `classes` (logits, no softmax).
 * Truncated normal std 0.1 weights, zero biases.
 */
export function paperCnn(inputShape: [number, number, number], classes: number, seed = 0): tfl.Sequential {
  const model = tfl.sequential({ name: 'paper_cnn' })
  model.add(
    tfl.layers.conv2d({
      name: 'conv1',
      inputShape,
      filters: 32,
      kernelSize: 5,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: paperInit(seed + 1),
      biasInitializer: 'zeros',
    }),
  )
  model.add(tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2, strides: 2 }))
  model.add(
    tfl.layers.conv2d({
      name: 'conv2',
      filters: 64,
      kernelSize: 5,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: paperInit(seed + 2),
      biasInitializer: 'zeros',
    }),
  )
  model.add(tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2, strides: 2 }))
  model.add(tfl.layers.flatten({ name: 'flatten' }))
  model.add(
    tfl.layers.dense({ name: 'fc1', units: 1024, activation: 'relu', kernelInitializer: paperInit(seed + 3), biasInitializer: 'zeros' }),
  )
  model.add(tfl.layers.dropout({ name: 'dropout', rate: 0.5 }))
  model.add(tfl.layers.dense({ name: 'fc2', units: classes, kernelInitializer: paperInit(seed + 4), biasInitializer: 'zeros' }))
  return model
}

function heInit(seed: number): Initializer {
  return tfl.initializers.heNormal({ seed })
}

/**
 * A small CIFAR-sized CNN in the AlexNet pattern (the paper's CIFAR AlexNet is unpublished, docs/algorithms.md §Models):
 * conv5x5/32 → pool → conv3x3/64 → pool → conv3x3/128 → pool → dense 256 → dropout 0.5 →
 * dense `classes` logits. Three conv layers, so D2(r, r₂, r₃) is defined; He-normal weights.
 * Deliberately smaller than the §7 suggestion so it trains on one wasm thread in about an hour;
 * conv1 stays 5×5 so that its kernels have a spectrum worth low-passing in the D2 inspector.
 */
export function cifarCnn(inputShape: [number, number, number], classes: number, seed = 0): tfl.Sequential {
  const model = tfl.sequential({ name: 'cifar_cnn' })
  const conv = (name: string, filters: number, kernelSize: number, s: number, first = false): tfl.layers.Layer =>
    tfl.layers.conv2d({
      name,
      ...(first ? { inputShape } : {}),
      filters,
      kernelSize,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: heInit(seed + s),
      biasInitializer: 'zeros',
    })
  model.add(conv('conv1', 32, 5, 1, true))
  model.add(tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2, strides: 2 }))
  model.add(conv('conv2', 64, 3, 2))
  model.add(tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2, strides: 2 }))
  model.add(conv('conv3', 128, 3, 3))
  model.add(tfl.layers.maxPooling2d({ name: 'pool3', poolSize: 2, strides: 2 }))
  model.add(tfl.layers.flatten({ name: 'flatten' }))
  model.add(
    tfl.layers.dense({ name: 'fc1', units: 256, activation: 'relu', kernelInitializer: heInit(seed + 4), biasInitializer: 'zeros' }),
  )
  model.add(tfl.layers.dropout({ name: 'dropout', rate: 0.5 }))
  model.add(tfl.layers.dense({ name: 'fc2', units: classes, kernelInitializer: heInit(seed + 5), biasInitializer: 'zeros' }))
  return model
}
