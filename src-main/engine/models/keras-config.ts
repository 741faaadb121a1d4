import { LabError } from '../base/errors'

type Json = Record<string, unknown>

/**
 * Layer types HFC Lab can run (TF.js Layers implements them). Anything else is refused with the
 * layer's name, before any weight is read.
 */
export const SUPPORTED_LAYERS: readonly string[] = [
  'InputLayer',
  'Conv2D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'Conv2DTranspose',
  'Dense',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'ELU',
  'ThresholdedReLU',
  'Softmax',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalMaxPooling2D',
  'GlobalAveragePooling2D',
  'Flatten',
  'Reshape',
  'Permute',
  'ZeroPadding2D',
  'Cropping2D',
  'UpSampling2D',
  'Rescaling',
  'BatchNormalization',
  'LayerNormalization',
  'Dropout',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'Add',
  'Multiply',
  'Average',
  'Maximum',
  'Minimum',
  'Concatenate',
]

/** Activation names TF.js knows, with Keras aliases mapped onto them. */
const ACTIVATIONS: Record<string, string> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  elu: 'elu',
  selu: 'selu',
  sigmoid: 'sigmoid',
  hard_sigmoid: 'hard_sigmoid',
  softplus: 'softplus',
  softsign: 'softsign',
  tanh: 'tanh',
  softmax: 'softmax',
  log_softmax: 'log_softmax',
  gelu: 'gelu',
  mish: 'mish',
  swish: 'swish',
  silu: 'swish',
}

/** Layers that only matter in training: identical to Dropout (identity) at inference. */
const INFERENCE_IDENTITY: Record<string, string> = { SpatialDropout2D: 'Dropout' }

export interface KerasLayer {
  class_name: string
  config: Json
  name?: string
  inbound_nodes?: unknown
}

/** A Keras 2–style model topology that TF.js Layers deserializes. */
export interface NormalizedTopology {
  class_name: 'Sequential' | 'Functional'
  config: { name: string; layers: KerasLayer[]; input_layers?: unknown[]; output_layers?: unknown[] }
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

function activationName(value: unknown, layer: string): string {
  // Keras 3 may write an activation as a serialized function object.
  const name = isObject(value) ? (value.config ?? value.registered_name) : value
  const mapped = typeof name === 'string' ? ACTIVATIONS[name] : undefined
  if (!mapped) {
    throw new LabError(
      'MODEL_UNSUPPORTED_ACTIVATION',
      `Layer '${layer}' uses the activation ${JSON.stringify(name)}, which HFC Lab cannot run. Supported: ${Object.keys(ACTIVATIONS).join(', ')}.`,
    )
  }
  return mapped
}

/**
 * One layer's config in the form TF.js reads. Initializers, regularizers and constraints only
 * matter for training and come in several incompatible serializations, so they are replaced by
 * neutral ones (weights come from the file); Keras 3 dtype policies become 'float32'.
 */
function cleanLayerConfig(className: string, config: Json): Json {
  const name = String(config.name ?? className)
  const out: Json = {}
  for (const [key, value] of Object.entries(config)) {
    if (key.endsWith('_initializer')) out[key] = { class_name: 'Zeros', config: {} }
    else if (key.endsWith('_regularizer') || key.endsWith('_constraint')) out[key] = null
    else if (key === 'dtype') out[key] = 'float32'
    else if (key === 'batch_shape') out.batch_input_shape = value
    else if (key === 'activation') out[key] = activationName(value, name)
    else out[key] = value
  }
  if (config.data_format === 'channels_first') {
    throw new LabError(
      'MODEL_CHANNELS_FIRST',
      `Layer '${name}' uses channels_first data; HFC Lab runs channels_last (NHWC) models only. Re-save the model with data_format='channels_last'.`,
    )
  }
  if (typeof config.groups === 'number' && config.groups !== 1) {
    throw new LabError(
      'MODEL_UNSUPPORTED_LAYER',
      `Layer '${name}' is a grouped convolution (groups=${config.groups}), which HFC Lab cannot run.`,
    )
  }
  if (className === 'BatchNormalization' && Array.isArray(config.axis)) {
    if (config.axis.length !== 1)
      throw new LabError('MODEL_UNSUPPORTED_LAYER', `Layer '${name}' normalises over several axes, which HFC Lab cannot run.`)
    out.axis = config.axis[0]
  }
  return out
}

/** Keras 3 writes a call as {args, kwargs} with __keras_tensor__ objects; Keras 2 as [[layer, node, tensor, kwargs], ...]. */
function keras2InboundNodes(nodes: unknown): unknown[] {
  if (!Array.isArray(nodes)) return []
  return nodes.map((node) => {
    if (Array.isArray(node)) return node
    const tensors: unknown[] = []
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(collect)
      else if (isObject(v) && v.class_name === '__keras_tensor__' && isObject(v.config)) {
        const [layer, nodeIndex, tensorIndex] = v.config.keras_history as [string, number, number]
        tensors.push([layer, nodeIndex, tensorIndex, {}])
      }
    }
    collect(isObject(node) ? node.args : node)
    return tensors
  })
}

/** Keras 3 writes a single input/output as [name, node, tensor] rather than a list of them. */
function listOfRefs(refs: unknown): unknown[] {
  if (!Array.isArray(refs)) return []
  return refs.length > 0 && typeof refs[0] === 'string' ? [refs] : refs
}

/**
 * Turns a Keras 2 or Keras 3 model config (h5 `model_config`, `.keras` config.json, or a TF.js
 * modelTopology) into a clean Keras 2–style topology, refusing unsupported layers by name.
 */
export function normalizeKerasConfig(raw: unknown, source: string): NormalizedTopology {
  const top = isObject(raw) && isObject(raw.model_config) ? raw.model_config : raw
  if (!isObject(top) || typeof top.class_name !== 'string') {
    throw new LabError(
      'MODEL_BAD_CONFIG',
      `${source} has no readable model configuration (expected a Keras model config with class_name and config).`,
    )
  }
  const className = top.class_name === 'Model' ? 'Functional' : top.class_name
  if (className !== 'Sequential' && className !== 'Functional') {
    throw new LabError(
      'MODEL_UNSUPPORTED_MODEL',
      `${source} holds a ${top.class_name}; HFC Lab loads Sequential and Functional models only.`,
    )
  }
  const config: Json = Array.isArray(top.config) ? { name: 'sequential', layers: top.config } : isObject(top.config) ? top.config : {}
  const layers = Array.isArray(config.layers) ? (config.layers as KerasLayer[]) : []
  if (layers.length === 0) throw new LabError('MODEL_BAD_CONFIG', `${source} describes a model without layers.`)
  const unsupported = layers.filter((l) => !SUPPORTED_LAYERS.includes(l.class_name))
  if (unsupported.length > 0) {
    const list = unsupported.map((l) => `${l.class_name} ('${String(l.config?.name ?? l.name ?? '?')}')`).join(', ')
    throw new LabError(
      'MODEL_UNSUPPORTED_LAYER',
      `${source} uses layer types HFC Lab cannot run: ${list}. Supported layers: ${SUPPORTED_LAYERS.join(', ')}.`,
    )
  }
  const cleaned: KerasLayer[] = layers.map((l) => {
    const layerClass = INFERENCE_IDENTITY[l.class_name] ?? l.class_name
    const layerConfig = cleanLayerConfig(l.class_name, isObject(l.config) ? l.config : {})
    const out: KerasLayer = {
      class_name: layerClass,
      config: layerClass === l.class_name ? layerConfig : { name: layerConfig.name, rate: layerConfig.rate ?? 0 },
    }
    if (className === 'Functional') {
      out.name = String(l.name ?? layerConfig.name)
      out.inbound_nodes = keras2InboundNodes(l.inbound_nodes)
    }
    return out
  })
  const name = String(config.name ?? (className === 'Sequential' ? 'sequential' : 'model'))
  if (className === 'Sequential') {
    // Keras repeats batch_input_shape on later layers when input_shape was passed to each; TF.js
    // would take each as a new input spec. Only the first layer defines the input.
    cleaned.forEach((l, i) => {
      if (i > 0) delete l.config.batch_input_shape
    })
    return { class_name: 'Sequential', config: { name, layers: cleaned } }
  }
  return {
    class_name: 'Functional',
    config: { name, layers: cleaned, input_layers: listOfRefs(config.input_layers), output_layers: listOfRefs(config.output_layers) },
  }
}
