/** One node of a TF.js graph model (a TensorFlow GraphDef node in JSON). */
export interface GraphNode {
  name: string
  op: string
  input?: string[]
  attr?: Record<string, GraphAttr>
}

export interface GraphAttr {
  s?: string
  i?: string | number
  f?: number
  b?: boolean
  type?: string
  list?: { s?: string[]; i?: (string | number)[]; f?: number[] }
  shape?: { dim?: { size?: string | number }[]; unknownRank?: boolean }
}

const decode = (base64: string): string => Buffer.from(base64, 'base64').toString('utf8')

/** Typed access to a node's attributes (strings in GraphDef JSON are base64). */
export class NodeAttrs {
  constructor(private readonly node: GraphNode) {}

  private get(name: string): GraphAttr | undefined {
    return this.node.attr?.[name]
  }

  str(name: string, fallback = ''): string {
    const s = this.get(name)?.s
    return s === undefined ? fallback : decode(s)
  }

  int(name: string, fallback = 0): number {
    const i = this.get(name)?.i
    return i === undefined ? fallback : Number(i)
  }

  float(name: string, fallback = 0): number {
    return this.get(name)?.f ?? fallback
  }

  bool(name: string, fallback = false): boolean {
    return this.get(name)?.b ?? fallback
  }

  ints(name: string): number[] {
    return (this.get(name)?.list?.i ?? []).map(Number)
  }

  strs(name: string): string[] {
    return (this.get(name)?.list?.s ?? []).map(decode)
  }

  type(name: string): string | undefined {
    return this.get(name)?.type
  }

  /** A shape attribute with −1 for unknown sizes, or null when the rank is unknown. */
  shape(name: string): number[] | null {
    const shape = this.get(name)?.shape
    if (!shape || shape.unknownRank) return null
    return (shape.dim ?? []).map((d) => Number(d.size ?? -1))
  }
}
