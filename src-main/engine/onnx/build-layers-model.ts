import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { dependsOnBatch } from './batch-params'
import { tfShape, type Tag } from './layout'
import { onnxLayerClass, type LayerSlot, type OnnxLayerSpec } from './onnx-op-layer'
import type { Params } from './op-spec'
import type { ModelPlan, PlannedNode } from './plan-model'

interface Symbol {
  t: tfl.SymbolicTensor
  tag: Tag
  rank: number
}

/** Layer names: the ONNX node names with path separators made safe, unique within the model. */
class LayerNames {
  private readonly used = new Set<string>()

  take(raw: string): string {
    const base = raw.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[_.-]+|[_.-]+$/g, '') || 'node'
    let name = base
    for (let i = 2; this.used.has(name); i++) name = `${base}_${i}`
    this.used.add(name)
    return name
  }
}

/** The layout a node runs in, given how its inputs arrive. */
function chooseRunTag(planned: PlannedNode, inputs: Symbol[], weightRanks: number[]): Tag {
  const { spec, outputShapes } = planned
  if (spec.layout === 'plain') return 'plain'
  if (spec.layout === 'spatial') return inputs[0]?.rank === 4 ? 'nhwc' : 'plain'
  const allRank4 = outputShapes.every((s) => s.length === 4)
  const anyNhwc = inputs.some((s) => s.tag === 'nhwc')
  const fits = inputs.every((s) => s.rank <= 4) && weightRanks.every((r) => r <= 4)
  return allRank4 && anyNhwc && fits ? 'nhwc' : 'plain'
}

/** 'same', 'valid', or explicit pads for a TF.js Conv2D that matches an ONNX Conv. */
function tfPadding(params: Params, input: [number, number], kernel: number[]): 'same' | 'valid' | [[number, number], [number, number]] {
  const [pt, pl, pb, pr] = params.pads as number[]
  if (!pt && !pl && !pb && !pr) return 'valid'
  const strides = params.strides as number[]
  const dilations = params.dilations as number[]
  const same = [0, 1].every((i) => {
    const out = Math.ceil(input[i] / strides[i])
    const total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - input[i])
    const [begin, end] = i === 0 ? [pt, pb] : [pl, pr]
    return begin === Math.floor(total / 2) && end === total - Math.floor(total / 2)
  })
  return same
    ? 'same'
    : [
        [pt, pb],
        [pl, pr],
      ]
}

/**
 * An ONNX Conv as a stock TF.js Conv2D (so D2, the kernel inspector and every other Layers tool see
 * an ordinary convolution), when TF.js can express it: one group, load-time weights, NHWC input.
 */
function asConv2D(
  planned: PlannedNode,
  input: Symbol,
  plan: ModelPlan,
  names: LayerNames,
  built: tfl.layers.Layer[],
  weights: Map<tfl.layers.Layer, tf.Tensor[]>,
): Symbol | undefined {
  const { params, slots } = planned
  const [, w, b] = slots
  if (
    planned.node.op !== 'Conv' ||
    params.group !== 1 ||
    input.tag !== 'nhwc' ||
    w?.kind !== 'weight' ||
    (b && b.kind !== 'weight' && b.kind !== 'absent')
  )
    return undefined
  if (dependsOnBatch(params)) return undefined
  const strides = params.strides as [number, number]
  const dilations = params.dilations as [number, number]
  // TF.js has no gradient for dilated convolutions; those stay ONNX layers (dilated kernels).
  if (dilations.some((d) => d > 1)) return undefined
  const oihw = plan.weights.get(w.name)
  if (!oihw) return undefined
  const [filters, , kh, kw] = oihw.dims
  const inShape = input.t.shape as number[]
  const padding = tfPadding(params, [inShape[1], inShape[2]], [kh, kw])
  const name = names.take(planned.node.name)
  let x = input.t
  if (Array.isArray(padding)) {
    const pad = tfl.layers.zeroPadding2d({ name: names.take(`${name}_pad`), padding })
    x = pad.apply(x) as tfl.SymbolicTensor
    built.push(pad)
  }
  const bias = b?.kind === 'weight' ? plan.weights.get(b.name) : undefined
  const conv = tfl.layers.conv2d({
    name,
    filters,
    kernelSize: [kh, kw],
    strides,
    padding: Array.isArray(padding) ? 'valid' : padding,
    useBias: bias !== undefined,
    // Replaced by the file's weights below; a random initializer would only cost time.
    kernelInitializer: 'zeros',
  })
  const out = conv.apply(x) as tfl.SymbolicTensor
  const kernel = tf.tidy(() => tf.transpose(tf.tensor(oihw.values, oihw.dims), [2, 3, 1, 0]))
  weights.set(conv, bias ? [kernel, tf.tensor(bias.values, bias.dims)] : [kernel])
  built.push(conv)
  return { t: out, tag: 'nhwc', rank: 4 }
}

/**
 * Builds the TF.js Layers model of a plan: input NHWC [h, w, c] in the model's value range, output
 * the logits. Convolutions become Conv2D layers; every other node an Onnx<op> layer.
 */
export function buildLayersModel(plan: ModelPlan, name: string): tfl.LayersModel {
  const names = new LayerNames()
  const { input } = plan
  const inputTag: Tag = input.layout === 'nchw' ? 'nhwc' : 'plain'
  const inputLayer = tfl.input({ shape: tfShape(input.dims, inputTag).slice(1), name: names.take(input.name) })
  const symbols = new Map<string, Symbol>([[input.name, { t: inputLayer, tag: inputTag, rank: 4 }]])
  const built: tfl.layers.Layer[] = []
  const weights = new Map<tfl.layers.Layer, tf.Tensor[]>()
  try {
    for (const planned of plan.nodes) {
      const { node, spec, slots, outputShapes } = planned
      const tensorInputs: Symbol[] = []
      const layerSlots: LayerSlot[] = []
      const layerWeights: tf.Tensor[] = []
      const weightShapes: number[][] = []
      for (const slot of slots) {
        if (slot.kind === 'tensor') {
          const symbol = symbols.get(slot.name)
          if (!symbol) throw new Error(`internal error: ${slot.name} has no symbol`)
          layerSlots.push({ tensor: tensorInputs.length })
          tensorInputs.push(symbol)
        } else if (slot.kind === 'weight') {
          const value = plan.weights.get(slot.name)
          if (!value) throw new Error(`internal error: weight ${slot.name} is missing`)
          layerSlots.push({ weight: layerWeights.length })
          layerWeights.push(tf.tensor(value.values, value.dims))
          weightShapes.push(value.dims)
        } else if (slot.kind === 'const') {
          layerSlots.push({ const: { kind: slot.value.kind, dims: slot.value.dims, values: Array.from(slot.value.values) } })
        } else {
          layerSlots.push(null)
        }
      }
      const relabelled = spec.relabel?.(planned.params, tensorInputs[0]?.tag ?? 'plain')
      if (relabelled && tensorInputs.length === 1) {
        tf.dispose(layerWeights)
        symbols.set(node.outputs[0], { ...tensorInputs[0], tag: relabelled })
        continue
      }
      const runTag = chooseRunTag(
        planned,
        tensorInputs,
        weightShapes.map((s) => s.length),
      )
      let first = tensorInputs[0]
      if (node.op === 'Conv' && first && first.rank === 4 && first.tag !== 'nhwc') {
        // Bring the input to NHWC in its own layer so that the convolution can be a stock Conv2D.
        const retag = new (onnxLayerClass('Identity'))({
          name: names.take(`${node.name}_to_nhwc`),
          spec: {
            op: 'Identity',
            node: '',
            params: { outputs: 1 },
            slots: [{ tensor: 0 }],
            inTags: ['plain'],
            runTag: 'nhwc',
            outTags: ['nhwc'],
            outShapes: [tfShape(first.t.shape, 'nhwc')],
            weightShapes: [],
          },
        })
        first = { t: retag.apply(first.t) as tfl.SymbolicTensor, tag: 'nhwc', rank: 4 }
        built.push(retag)
      }
      const conv = first ? asConv2D(planned, first, plan, names, built, weights) : undefined
      if (conv) {
        tf.dispose(layerWeights)
        symbols.set(node.outputs[0], conv)
        continue
      }
      const outTags: Tag[] = outputShapes.map((s) => (s.length === 4 ? runTag : 'plain'))
      const spec_: OnnxLayerSpec = {
        op: node.op,
        node: node.name,
        params: planned.params,
        slots: layerSlots,
        inTags: tensorInputs.map((s) => s.tag),
        runTag,
        outTags,
        outShapes: outputShapes.map((s, k) => tfShape(s, outTags[k])),
        weightShapes,
      }
      const layer = new (onnxLayerClass(node.op))({ name: names.take(node.name), spec: spec_ })
      const applied = layer.apply(tensorInputs.length === 1 ? tensorInputs[0].t : tensorInputs.map((s) => s.t))
      const outs = Array.isArray(applied) ? applied : [applied]
      node.outputs.forEach((o, k) => {
        if (o !== '' && outs[k]) symbols.set(o, { t: outs[k] as tfl.SymbolicTensor, tag: outTags[k], rank: outputShapes[k].length })
      })
      weights.set(layer, layerWeights)
      built.push(layer)
    }
    let output = symbols.get(plan.output)
    if (!output) throw new Error(`internal error: the output ${plan.output} has no symbol`)
    const [, , h, w] = plan.outputShape
    if (output.rank === 4 && h === 1 && w === 1) {
      // A fully convolutional head ends in [N, classes, 1, 1]; its scores are the flattened map.
      const flatten = new (onnxLayerClass('Flatten'))({
        name: names.take('hfc_flatten_output'),
        spec: {
          op: 'Flatten',
          node: '',
          params: { axis: 1 },
          slots: [{ tensor: 0 }],
          inTags: [output.tag],
          runTag: 'plain',
          outTags: ['plain'],
          outShapes: [[null, plan.outputShape[1]]],
          weightShapes: [],
        },
      })
      output = { t: flatten.apply(output.t) as tfl.SymbolicTensor, tag: 'plain', rank: 2 }
      built.push(flatten)
    }
    const model = tfl.model({ inputs: inputLayer, outputs: output.t, name: names.take(name) })
    for (const [layer, values] of weights) if (values.length > 0) layer.setWeights(values)
    return model
  } catch (e) {
    for (const layer of built) layer.dispose()
    throw e
  } finally {
    for (const values of weights.values()) tf.dispose(values)
  }
}
