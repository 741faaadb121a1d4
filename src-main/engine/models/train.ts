import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { silentContext, throwIfCancelled, type JobContext } from '../base/job-context'
import { gatherLabels, gatherPixels, imageCount, type LabelledImages } from './labelled-images'
import { mulberry32, permutation } from '../base/random'
import { augmentBatch } from './augment'

export interface TrainOptions {
  epochs: number
  batchSize: number
  learningRate: number
  seed: number
  /** Multiply the learning rate by this after every epoch (1 = constant). */
  learningRateDecay?: number
  /** Random translation of each training image by up to this many pixels (0 = none). */
  maxShift?: number
  /** Random left–right mirroring of training images. */
  flip?: boolean
}

export interface EpochReport {
  epoch: number
  loss: number
  learningRate: number
  seconds: number
}

/**
 * The training forward pass. Dropout layers are applied here with a per-step seed, because a
 * Dropout layer given a seed would draw the same mask at every step; everything else runs the
 * layer itself in training mode. Sequential models only.
 */
function trainingLogits(model: tfl.LayersModel, x: tf.Tensor, stepSeed: number): tf.Tensor {
  let h = x
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue
    if (layer.getClassName() === 'Dropout') {
      const rate = (layer.getConfig() as { rate: number }).rate
      h = tf.dropout(h, rate, undefined, stepSeed)
    } else {
      h = layer.apply(h, { training: true }) as tf.Tensor
    }
  }
  return h
}

/**
 * Trains a Sequential logits model with Adam and softmax cross-entropy on images in [0, 1]
 * (the model's input range is taken to be [0, 1]). Seeded: batch order, shifts, flips and
 * dropout masks repeat for the same seed.
 */
export async function trainClassifier(
  model: tfl.LayersModel,
  data: LabelledImages,
  classes: number,
  options: TrainOptions,
  ctx: JobContext = silentContext(),
  onEpoch: (report: EpochReport) => void | Promise<void> = () => {},
): Promise<EpochReport[]> {
  const n = imageCount(data)
  const steps = Math.ceil(n / options.batchSize)
  const optimizer = tf.train.adam(options.learningRate)
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const reports: EpochReport[] = []
  const augmented = (options.maxShift ?? 0) > 0 || options.flip
  let learningRate = options.learningRate
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const started = Date.now()
      const order = permutation(n, mulberry32(options.seed * 1000 + epoch))
      let lossSum = 0
      for (let step = 0; step < steps; step++) {
        throwIfCancelled(ctx.signal)
        const indices = order.subarray(step * options.batchSize, Math.min(n, (step + 1) * options.batchSize))
        const stepSeed = options.seed * 1_000_003 + epoch * steps + step
        const loss = tf.tidy(() => {
          const pixels = gatherPixels(data, indices)
          const input = augmented ? augmentBatch(pixels, data.shape, options, mulberry32(stepSeed)) : pixels
          const x = tf.tensor4d(input, [indices.length, ...data.shape])
          const y = tf.oneHot(tf.tensor1d(gatherLabels(data, indices), 'int32'), classes)
          return optimizer.minimize(
            () => tf.losses.softmaxCrossEntropy(y, trainingLogits(model, x, stepSeed)) as tf.Scalar,
            true,
            variables,
          ) as tf.Scalar
        })
        lossSum += (await loss.data())[0]
        loss.dispose()
        ctx.progress(epoch * steps + step + 1, options.epochs * steps, `epoch ${epoch + 1}/${options.epochs}`)
        await new Promise((resolve) => setImmediate(resolve))
      }
      const report = { epoch: epoch + 1, loss: lossSum / steps, learningRate, seconds: (Date.now() - started) / 1000 }
      reports.push(report)
      await onEpoch(report)
      learningRate *= options.learningRateDecay ?? 1
      // Adam reads its (protected) learningRate at every step, so it can be lowered in place
      // without losing the moment estimates.
      ;(optimizer as unknown as { learningRate: number }).learningRate = learningRate
    }
  } finally {
    optimizer.dispose()
  }
  return reports
}
