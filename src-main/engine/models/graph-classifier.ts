import * as tf from '@tensorflow/tfjs-core'
import { LabError } from '../base/errors'
import type { LayerSummary } from '../../protocol/models'
import type { ModelInfo } from './classifier'
import { NodeAttrs, type GraphNode } from './graph-attrs'
import { GRAPH_OPS } from './graph-ops'
import type { LoadedModel } from './layers-classifier'
import { toModelInput } from './preprocessing'

/** "name:1" → [name, 1]; "^name" (a control dependency) → null. */
function parseRef(ref: string): [string, number] | null {
  if (ref.startsWith('^')) return null
  const m = /^(.*?)(?::(\d+))?$/.exec(ref)!
  return [m[1], m[2] ? Number(m[2]) : 0]
}

/** The node names the output depends on, inputs before users. */
function reachableOrder(nodes: Map<string, GraphNode>, output: string): string[] {
  const order: string[] = []
  const seen = new Set<string>()
  const visit = (name: string): void => {
    if (seen.has(name)) return
    seen.add(name)
    const node = nodes.get(name)
    if (!node) throw new LabError('MODEL_BAD_GRAPH', `The graph refers to a node '${name}' it does not define.`)
    for (const ref of node.input ?? []) {
      const parsed = parseRef(ref)
      if (parsed) visit(parsed[0])
    }
    order.push(name)
  }
  visit(output)
  return order
}

/**
 * Runs a TF.js graph model (GraphDef JSON + weights) with tf ops, node by node, so that input
 * gradients flow through it. Inference only: it has no Layers model to operate on (D2).
 */
export class GraphClassifier implements LoadedModel {
  readonly model = null
  private readonly order: string[]
  private readonly nodes: Map<string, GraphNode>

  private constructor(
    nodes: Map<string, GraphNode>,
    private readonly inputName: string,
    private readonly outputRef: [string, number],
    private readonly weights: tf.NamedTensorMap,
    readonly info: ModelInfo,
  ) {
    this.nodes = nodes
    this.order = reachableOrder(nodes, outputRef[0])
  }

  /** Checks that every op the output depends on is supported, before any run. */
  static create(
    nodes: GraphNode[],
    inputName: string,
    outputRef: [string, number],
    weights: tf.NamedTensorMap,
    info: ModelInfo,
    source: string,
  ): GraphClassifier {
    const byName = new Map(nodes.map((n) => [n.name, n]))
    const order = reachableOrder(byName, outputRef[0])
    const unsupported = [
      ...new Set(order.map((n) => byName.get(n)!.op).filter((op) => op !== 'Placeholder' && op !== 'Const' && !GRAPH_OPS[op])),
    ]
    if (unsupported.length > 0) {
      throw new LabError(
        'MODEL_UNSUPPORTED_OP',
        `${source} uses graph ops HFC Lab cannot run: ${unsupported.join(', ')}. Supported: ${Object.keys(GRAPH_OPS).join(', ')}.`,
      )
    }
    const missing = order.filter((n) => byName.get(n)!.op === 'Const' && !weights[n])
    if (missing.length > 0)
      throw new LabError(
        'MODEL_WEIGHTS_MISSING',
        `${source}: the weight files hold no values for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}.`,
      )
    return new GraphClassifier(byName, inputName, outputRef, weights, info)
  }

  /** Every node's outputs for `input` (already in the model's range); callers run it in a tidy. */
  run(input: tf.Tensor, onNode?: (node: GraphNode, out: tf.Tensor[]) => void): tf.Tensor {
    const values = new Map<string, tf.Tensor[]>()
    for (const name of this.order) {
      const node = this.nodes.get(name)!
      let out: tf.Tensor[]
      if (node.op === 'Placeholder') {
        if (name !== this.inputName)
          throw new LabError('MODEL_INPUTS', `The graph needs a second input '${name}'; HFC Lab feeds one image input.`)
        out = [input]
      } else if (node.op === 'Const') {
        out = [this.weights[name]]
      } else {
        const inputs = (node.input ?? [])
          .map(parseRef)
          .filter((r): r is [string, number] => r !== null)
          .map(([n, i]) => values.get(n)![i])
        try {
          const result = GRAPH_OPS[node.op](inputs, new NodeAttrs(node))
          out = Array.isArray(result) ? result : [result]
        } catch (e) {
          throw new LabError('MODEL_GRAPH_RUN', `Running graph node '${name}' (${node.op}) failed: ${(e as Error).message.split('\n')[0]}`)
        }
        onNode?.(node, out)
      }
      values.set(name, out)
    }
    return values.get(this.outputRef[0])![this.outputRef[1]]
  }

  /** [0, 1] NHWC images as the graph's input: preprocessed, and NCHW when the graph was converted so. */
  private feed(images: tf.Tensor4D): tf.Tensor {
    const x = toModelInput(images, this.info)
    return this.info.preprocessing?.layout === 'nchw' ? tf.transpose(x, [0, 3, 1, 2]) : x
  }

  logits(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => tf.reshape(this.run(this.feed(images)), [images.shape[0], -1]) as tf.Tensor2D)
  }

  /** One summary row per computing node, with output shapes from a one-image run. */
  summarize(): LayerSummary[] {
    const rows: LayerSummary[] = []
    tf.tidy(() => {
      this.run(this.feed(tf.zeros([1, ...this.info.inputShape])), (node, out) => {
        const params = (node.input ?? [])
          .map(parseRef)
          .filter((r): r is [string, number] => r !== null && this.nodes.get(r[0])?.op === 'Const')
          .reduce((sum, [n]) => sum + (this.weights[n]?.size ?? 0), 0)
        if (node.op === 'Identity' || node.op === 'Shape' || node.op === 'StridedSlice' || node.op === 'Pack') return
        rows.push({ name: node.name, className: node.op, outputShape: [null, ...out[0].shape.slice(1)], params })
      })
    })
    return rows
  }

  dispose(): void {
    tf.dispose(Object.values(this.weights))
  }
}
