import type * as ort from 'onnxruntime-node'
import { LabError } from '../base/errors'
import type { ModelInfo } from '../models/classifier'
import type { LoadedModel } from '../models/layers-classifier'
import { preprocessingAffine } from '../models/preprocessing'
import { buildForwardGraph, type ForwardGraphOptions } from './export-onnx'
import { appendInputGradient, appendVectorJacobianProduct } from './gradient-graph'
import type { LowPassSpec } from './low-pass-graph'
import { createOrtSession, loadOnnxRuntime } from './ort-session'
import { writeOnnx } from './write-onnx'

/** Input gradient of the summed cross-entropy, for n images. */
export interface InputGradient {
  /** [n, classes] logits. */
  logits: Float32Array
  /** [n] cross-entropy of each image's label. */
  loss: Float32Array
  /** [n, h, w, c] d(sum of losses)/d(image), on the [0, 1] NHWC images. */
  grad: Float32Array
}

/**
 * A classifier that scores whole batches asynchronously (onnxruntime runs off the JS thread, so it
 * cannot implement the synchronous, tensor-valued Classifier.logits). Images are float32 NHWC in
 * [0, 1], n·h·w·c values, as everywhere in HFC Lab.
 */
export interface BatchScorer {
  readonly info: ModelInfo
  /** Logits [n, classes], row-major. */
  scoreBatch(images: Float32Array, n: number): Promise<Float32Array>
  /**
   * d(sum of cross-entropies)/d(image). The gradient graph is written on the first call of this or
   * gradientUnavailable(), so a job that only scores never pays for it; throws ORT_NO_GRADIENT when
   * onnxruntime cannot differentiate the model.
   */
  inputGradient(images: Float32Array, labels: ArrayLike<number>): Promise<InputGradient>
  /**
   * The logits and ∇ₓ Σᵢ ⟨cotangentᵢ, zᵢ(x)⟩ ([n, classes] weights of the logits), the
   * vector-Jacobian product any loss computed from the logits reduces to; as inputGradient, lazily.
   */
  vectorJacobian(images: Float32Array, n: number, cotangent: Float32Array): Promise<{ logits: Float32Array; grad: Float32Array }>
  /** Writes the gradient graph if not yet written; why onnxruntime cannot differentiate the model, in words for the user, or undefined when it can. */
  gradientUnavailable(): string | undefined
  /** Whether the gradient graph was written (by a gradient call or gradientUnavailable()). */
  readonly gradientGraphWritten: boolean
  dispose(): Promise<void>
}

export interface OrtClassifierOptions {
  /** Defense D1 built into the graph (and into its gradient, for adaptive attacks). */
  lowPass?: LowPassSpec
  /** onnxruntime intra-op threads per session; default 2. */
  threads?: number
}

type GraphKind = 'forward' | 'cross-entropy' | 'vector-jacobian'

function graphBytes(model: LoadedModel, options: ForwardGraphOptions, kind: GraphKind): Uint8Array {
  if (!model.model) {
    throw new LabError(
      'ORT_NO_LAYERS',
      `${model.info.name} is a TF.js graph model, which HFC Lab cannot write as ONNX; run it on a TF.js backend.`,
    )
  }
  const { builder, input, logits } = buildForwardGraph(model.model, options)
  try {
    if (kind === 'cross-entropy') appendInputGradient(builder, input, logits)
    if (kind === 'vector-jacobian') appendVectorJacobianProduct(builder, input, logits)
    return writeOnnx(builder, { graphName: model.info.name })
  } finally {
    builder.dispose()
  }
}

class OrtClassifier implements BatchScorer {
  private gradientGraph?: { bytes: Uint8Array } | { unavailable: string }
  private gradientSession?: Promise<ort.InferenceSession>
  private vjpSession?: Promise<ort.InferenceSession>

  constructor(
    readonly info: ModelInfo,
    private readonly runtime: typeof import('onnxruntime-node'),
    private readonly forward: ort.InferenceSession,
    /** Writes a graph of the model with the given head; throws a LabError when an op has no gradient rule. */
    private readonly writeGraph: (kind: Exclude<GraphKind, 'forward'>) => Uint8Array,
    private readonly threads: number | undefined,
  ) {}

  get gradientGraphWritten(): boolean {
    return this.gradientGraph !== undefined
  }

  gradientUnavailable(): string | undefined {
    if (!this.gradientGraph) {
      try {
        this.gradientGraph = { bytes: this.writeGraph('cross-entropy') }
      } catch (e) {
        if (!(e instanceof LabError)) throw e
        this.gradientGraph = { unavailable: e.message }
      }
    }
    return 'unavailable' in this.gradientGraph ? this.gradientGraph.unavailable : undefined
  }

  /** The cross-entropy gradient graph, written now if it was not; refuses a model onnxruntime cannot differentiate. */
  private crossEntropyGraph(): Uint8Array {
    const unavailable = this.gradientUnavailable()
    if (unavailable !== undefined)
      throw new LabError('ORT_NO_GRADIENT', `onnxruntime cannot differentiate ${this.info.name}: ${unavailable}`)
    return (this.gradientGraph as { bytes: Uint8Array }).bytes
  }

  private imageTensor(images: Float32Array, n: number): ort.Tensor {
    const [h, w, c] = this.info.inputShape
    if (!Number.isInteger(n) || n < 1 || images.length !== n * h * w * c) {
      throw new LabError('ORT_BAD_BATCH', `A batch of ${n} images of ${h}x${w}x${c} needs ${n * h * w * c} values, got ${images.length}.`)
    }
    return new this.runtime.Tensor('float32', images, [n, h, w, c])
  }

  async scoreBatch(images: Float32Array, n: number): Promise<Float32Array> {
    // onnxruntime-node aborts the whole process (a native exception) on an empty batch.
    if (n === 0) return new Float32Array(0)
    const out = await this.forward.run({ input: this.imageTensor(images, n) })
    return out.logits.data as Float32Array
  }

  async inputGradient(images: Float32Array, labels: ArrayLike<number>): Promise<InputGradient> {
    const n = labels.length
    if (n === 0) return { logits: new Float32Array(0), loss: new Float32Array(0), grad: new Float32Array(0) }
    const classes = this.info.classes.length
    const oneHot = new Float32Array(n * classes)
    for (let i = 0; i < n; i++) {
      const label = labels[i]
      if (!Number.isInteger(label) || label < 0 || label >= classes)
        throw new LabError('ORT_BAD_LABEL', `Label ${label} is not a class index of ${this.info.name} (0 to ${classes - 1}).`)
      oneHot[i * classes + label] = 1
    }
    this.gradientSession ??= createOrtSession(this.crossEntropyGraph(), { threads: this.threads })
    const session = await this.gradientSession
    const out = await session.run({ input: this.imageTensor(images, n), labels: new this.runtime.Tensor('float32', oneHot, [n, classes]) })
    return { logits: out.logits.data as Float32Array, loss: out.loss.data as Float32Array, grad: out.grad.data as Float32Array }
  }

  async vectorJacobian(images: Float32Array, n: number, cotangent: Float32Array): Promise<{ logits: Float32Array; grad: Float32Array }> {
    const classes = this.info.classes.length
    if (cotangent.length !== n * classes)
      throw new LabError(
        'ORT_BAD_BATCH',
        `A cotangent for ${n} images of ${classes} classes needs ${n * classes} values, got ${cotangent.length}.`,
      )
    if (n === 0) return { logits: new Float32Array(0), grad: new Float32Array(0) }
    // Only a model whose cross-entropy graph can be written has a vector-Jacobian graph.
    this.crossEntropyGraph()
    this.vjpSession ??= createOrtSession(this.writeGraph('vector-jacobian'), { threads: this.threads })
    const session = await this.vjpSession
    const out = await session.run({
      input: this.imageTensor(images, n),
      cotangent: new this.runtime.Tensor('float32', cotangent, [n, classes]),
    })
    return { logits: out.logits.data as Float32Array, grad: out.grad.data as Float32Array }
  }

  async dispose(): Promise<void> {
    await this.forward.release()
    if (this.gradientSession) await (await this.gradientSession).release()
    if (this.vjpSession) await (await this.vjpSession).release()
  }
}

/**
 * Runs a loaded model (TF.js, Keras or ONNX; D2-filtered ones included, as their weights are
 * written into the graph) on onnxruntime. The graph takes [0, 1] NHWC images and maps them to the
 * model's input itself (range, mean/std, channel order); with `lowPass`, D1 is part of the graph and of its input gradient.
 */
export async function createOrtClassifier(model: LoadedModel, options: OrtClassifierOptions = {}): Promise<BatchScorer> {
  const runtime = await loadOnnxRuntime()
  const graphOptions: ForwardGraphOptions = { inputLayout: 'nhwc', fromUnit: preprocessingAffine(model.info), lowPass: options.lowPass }
  const forward = await createOrtSession(graphBytes(model, graphOptions, 'forward'), { threads: options.threads })
  const lowPass = options.lowPass
  const variant = lowPass
    ? [
        model.info.variant,
        `D1 r=${lowPass.radius}${lowPass.rule === 'inclusive' ? ' inclusive' : ''}${lowPass.kind && lowPass.kind !== 'circle' ? ` ${lowPass.kind}` : ''}`,
      ]
        .filter(Boolean)
        .join('; ')
    : model.info.variant
  // The gradient graphs are written when a job first needs them (1.45 s for a ResNet-18 at 224 px).
  return new OrtClassifier({ ...model.info, variant }, runtime, forward, (kind) => graphBytes(model, graphOptions, kind), options.threads)
}
