import type { ConstTensor } from './const-tensor'

/** An attribute value as read from the file (INT and FLOAT both become numbers). */
export type AttributeValue = number | number[] | string | string[] | ConstTensor | { subgraph: true }

export interface OnnxNode {
  op: string
  /** '' for the default ai.onnx domain. */
  domain: string
  /** The node's name, or `${op}_${index}` when the file gives none. */
  name: string
  /** Input value names; '' marks an omitted optional input. */
  inputs: string[]
  outputs: string[]
  attributes: Record<string, AttributeValue>
}

/** A graph input or output: its element type and dimensions (a string for a symbolic one). */
export interface ValueInfo {
  name: string
  elemType: number
  dims: (number | string)[]
}

/** An ONNX model with its initializer data read (also from external files). */
export interface OnnxGraph {
  /** ai.onnx opset the nodes follow. */
  opset: number
  irVersion: number
  producer: string
  graphName: string
  nodes: OnnxNode[]
  initializers: Map<string, ConstTensor>
  /** Graph inputs that are not initializers (the real model inputs). */
  inputs: ValueInfo[]
  outputs: ValueInfo[]
  /** metadata_props of the model. */
  metadata: Record<string, string>
}
