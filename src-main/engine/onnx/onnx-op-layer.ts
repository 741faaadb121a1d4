import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { constToTensor } from './apply-op'
import { resolveBatch } from './batch-params'
import type { ValueKind } from './const-tensor'
import { alignOperand, retag, type Tag } from './layout'
import type { Params } from './op-spec'
import { ONNX_OPS } from './ops'

/** Where the op finds each ONNX input: a layer input, a layer weight, an integer constant, or nothing. */
export type LayerSlot = null | { tensor: number } | { weight: number } | { const: { kind: ValueKind; dims: number[]; values: number[] } }

/** Everything a converted ONNX node needs to run, to be cloned, and to be written back as ONNX. */
export interface OnnxLayerSpec {
  op: string
  /** The node's name in the ONNX file. */
  node: string
  params: Params
  slots: LayerSlot[]
  /** Layout of each layer input as it arrives. */
  inTags: Tag[]
  /** Layout the op runs in; rank-4 outputs come out in it. */
  runTag: Tag
  outTags: Tag[]
  /** TF.js output shapes, batch as null. */
  outShapes: (number | null)[][]
  /** ONNX shapes of the layer weights (kept in ONNX layout). */
  weightShapes: number[][]
}

// tfjs-layers snake_cases every string in a config when it serialises a model (and camelCases them
// back), which would mangle op names and parameters; lowercase hex survives both directions.
function encodeSpec(spec: OnnxLayerSpec): string {
  return Buffer.from(JSON.stringify(spec), 'utf8').toString('hex')
}

function decodeSpec(hex: string): OnnxLayerSpec {
  return JSON.parse(Buffer.from(hex, 'hex').toString('utf8')) as OnnxLayerSpec
}

export interface OnnxOpLayerArgs {
  name?: string
  trainable?: boolean
  /** The spec, or its serialised form when the layer is rebuilt from a model config. */
  spec: OnnxLayerSpec | string
}

/** One ONNX node of a converted model as a TF.js layer; its weights stay in ONNX layout. */
export class OnnxOpLayer extends tfl.layers.Layer {
  readonly spec: OnnxLayerSpec

  constructor(args: OnnxOpLayerArgs) {
    super({ name: args.name, trainable: args.trainable })
    this.spec = typeof args.spec === 'string' ? decodeSpec(args.spec) : args.spec
  }

  override build(): void {
    this.spec.weightShapes.forEach((shape, i) => this.addWeight(`w${i}`, shape, 'float32', tfl.initializers.zeros()))
    this.built = true
  }

  override computeOutputShape(): tfl.Shape | tfl.Shape[] {
    const shapes = this.spec.outShapes as tfl.Shape[]
    return shapes.length === 1 ? shapes[0] : shapes
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const xs = Array.isArray(inputs) ? inputs : [inputs]
      const op = ONNX_OPS[this.spec.op]
      const params = resolveBatch(this.spec.params, xs[0].shape)
      const { runTag, inTags } = this.spec
      const weights = this.weights.map((w) => w.read())
      const operands = this.spec.slots.map((slot, i) => {
        if (!slot) return undefined
        const [value, tag]: [tf.Tensor, Tag] =
          'tensor' in slot
            ? [xs[slot.tensor], inTags[slot.tensor]]
            : 'weight' in slot
              ? [weights[slot.weight], 'plain']
              : [constToTensor({ ...slot.const, values: Float64Array.from(slot.const.values) }), 'plain']
        if (op.layout === 'follow') return alignOperand(value, tag, runTag)
        return retag(value, tag, op.layout === 'spatial' && i === 0 ? runTag : 'plain')
      })
      const outputs = op.run(operands, params, runTag)
      return outputs.length === 1 ? outputs[0] : outputs
    })
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), spec: encodeSpec(this.spec) }
  }
}

const layerClasses = new Map<string, new (args: OnnxOpLayerArgs) => OnnxOpLayer>()

/**
 * The layer class of one ONNX op, named 'Onnx<op>' so that model summaries show the op and a
 * cloned or saved model finds its class again (every op is registered when this module loads).
 */
export function onnxLayerClass(op: string): new (args: OnnxOpLayerArgs) => OnnxOpLayer {
  let cls = layerClasses.get(op)
  if (!cls) {
    cls = class extends OnnxOpLayer {}
    Object.defineProperty(cls, 'className', { value: `Onnx${op}` })
    tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>)
    layerClasses.set(op, cls)
  }
  return cls
}

for (const op of Object.keys(ONNX_OPS)) onnxLayerClass(op)
