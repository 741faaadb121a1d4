import * as tf from '@tensorflow/tfjs-core'
import { LabError } from '../base/errors'

const CLASS_NAME = 'HfcLabBoundedZeros'

/**
 * The initial value of every weight a loaded model builds before the file's weights replace it:
 * zeros, but refused before anything is allocated when the configuration asks for a weight
 * larger than any array the file holds. A configuration that states a huge layer (Dense units
 * 10^7) would otherwise allocate its initial weights before the weight-shape check could fail.
 */
class BoundedZeros extends tf.serialization.Serializable {
  static readonly className = CLASS_NAME
  private readonly maxElements: number

  constructor(config: { maxElements?: number }) {
    super()
    this.maxElements = config.maxElements ?? 0
  }

  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    const elements = shape.reduce((a, b) => a * b, 1)
    if (!(elements <= this.maxElements)) {
      throw new LabError(
        'MODEL_WEIGHTS_MISMATCH',
        `its configuration asks for a weight of shape [${shape.join(', ')}] (${elements} values), larger than any weight array the file holds (${this.maxElements} values): the configuration and the weights do not belong together`,
      )
    }
    return tf.zeros(shape, dtype)
  }

  getClassName(): string {
    return CLASS_NAME
  }

  getConfig(): tf.serialization.ConfigDict {
    return { maxElements: this.maxElements }
  }
}
tf.serialization.registerClass(BoundedZeros)

/** Every initializer a supported layer reads; a config that omits one would get TF.js's random default. */
const INITIALIZER_KEYS = [
  'kernel',
  'bias',
  'depthwise',
  'pointwise',
  'gamma',
  'beta',
  'moving_mean',
  'moving_variance',
  'embeddings',
  'alpha',
].map((k) => `${k}_initializer`)

/**
 * A copy of a Keras/TF.js topology in which every layer's initializers, given or not, are
 * BoundedZeros allowing at most `maxElements` values per weight (the largest array the file holds).
 */
export function boundInitializers<T>(topology: T, maxElements: number): T {
  const bounded = { class_name: CLASS_NAME, config: { max_elements: maxElements } }
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk)
    if (value === null || typeof value !== 'object') return value
    const out: Record<string, unknown> = Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, key.endsWith('_initializer') ? bounded : walk(v)]),
    )
    // A layer entry: { class_name, config: { name, ... } }.
    const config = out.config as Record<string, unknown> | undefined
    if (typeof out.class_name === 'string' && config && typeof config === 'object' && !Array.isArray(config) && 'name' in config) {
      for (const key of INITIALIZER_KEYS) config[key] = bounded
    }
    return out
  }
  return walk(topology) as T
}
