import type * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { prepareGradients } from '../compute/forward'
import { CancelledError, silentContext, throwIfCancelled, type JobContext } from '../base/job-context'
import { findAttack, resolveAttackParams, runAttackBatched, type AttackResult } from '../attacks'
import { d1Variant, withD1, type D1Options } from './defended'
import { worstCaseEnvelope } from './envelope'
import type { CurveOptions } from './curve-types'
import { robustnessCurve } from './robustness-curve'
import { median } from '../../protocol/summaries'
import { protocolSchema, type CurveEntryData, type CurveEntryPartial, type EnvelopeData, type EvalProtocol } from '../../protocol/attacks'

/**
 * transfer: adversarials made on the undefended model, scored on the defended one (the paper's
 * evaluation (a)); direct: the attack queries the defended model itself (Appendix B for D2;
 * query-only attacks for D1); adaptive: gradient attacks through D1's differentiable low pass.
 */
export const PROTOCOLS: readonly EvalProtocol[] = protocolSchema.options

export type DefenseSpec =
  | { kind: 'none'; label?: string }
  /** `model`, when given, builds f∘D1 (e.g. with D1 inside an onnxruntime graph); else it is withD1(f). */
  | { kind: 'd1'; r: number; options?: D1Options; label?: string; model?: () => Promise<Classifier> }
  /** A D2 model (kernels low-passed by the models engine), or a function that builds it when first needed. */
  | { kind: 'd2'; label: string; model: Classifier | (() => Promise<Classifier>) }

export interface CurveAttack {
  id: string
  params?: Record<string, unknown>
  label?: string
}

export interface RunCurveRequest extends CurveOptions {
  /** The undefended model f. */
  model: Classifier
  images: tf.Tensor4D
  labels: Int32Array
  attacks: CurveAttack[]
  /** Default: only the undefended baseline. */
  defenses?: DefenseSpec[]
  /** Default: all three. The undefended baseline always runs (as 'direct'). */
  protocols?: EvalProtocol[]
  /** Images per attack batch (default 32). */
  attackBatchSize?: number
  /** Global ids of the images (default 0..N-1), from which seeded attacks derive their streams. */
  sampleIds?: ArrayLike<number>
  /** Return each entry's adversarials (to show the examples behind a curve point). */
  keepAdversarials?: boolean
}

/** A measured entry as the engine keeps it: the wire's entry, and its adversarials when the request kept them. */
export interface CurveEntry extends CurveEntryData {
  /** The adversarials (NHWC [0, 1]) when the request asked to keep them. */
  adversarial?: Float32Array
}

export interface SkippedPair {
  attack: string
  defense: string
  protocol: EvalProtocol
  reason: string
}

export interface CurveRunResult {
  entries: CurveEntry[]
  skipped: SkippedPair[]
  /** Per defense: the worst case over all its entries (every attack and protocol). */
  envelopes: EnvelopeData[]
  /** True when the job was cancelled; `entries` then holds the pairs that finished. */
  cancelled: boolean
}

interface Pair {
  attackIndex: number
  defenseIndex: number
  protocol: EvalProtocol
}

function defenseLabel(d: DefenseSpec): string {
  if (d.label) return d.label
  return d.kind === 'd1' ? d1Variant(d.r, d.options) : d.kind === 'none' ? 'none' : 'D2'
}

/** Which (defense, protocol) pairs an attack gets, and why the others are left out. */
function plan(
  attackNeedsGradients: boolean,
  defense: DefenseSpec,
  protocols: readonly EvalProtocol[],
): { run: EvalProtocol[]; skip: { protocol: EvalProtocol; reason: string }[] } {
  if (defense.kind === 'none') return { run: ['direct'], skip: [] }
  const run: EvalProtocol[] = []
  const skip: { protocol: EvalProtocol; reason: string }[] = []
  for (const protocol of protocols) {
    if (protocol === 'transfer') run.push(protocol)
    else if (defense.kind === 'd2') {
      if (protocol === 'direct') run.push(protocol)
      else skip.push({ protocol, reason: 'D2 is an ordinary differentiable model: the direct attack on it is already adaptive.' })
    } else if (protocol === 'direct') {
      if (attackNeedsGradients)
        skip.push({
          protocol,
          reason: 'The paper left D1 out of direct gradient attacks (its filter hid the gradient); see the adaptive protocol.',
        })
      else run.push(protocol)
    } else if (attackNeedsGradients) run.push(protocol)
    else skip.push({ protocol, reason: 'A query-only attack sees the same model in the direct protocol.' })
  }
  return { run, skip }
}

/**
 * The evaluation of docs/algorithms.md §Evaluation protocol for every attack × defense × protocol: runs each attack on
 * the model its protocol names (adversarials on the undefended model are made once and shared),
 * scores the defended model, and streams each finished entry through ctx.partial. When the job
 * is cancelled it returns the entries that finished, with `cancelled: true`.
 */
export async function runCurve(request: RunCurveRequest, ctx: JobContext<CurveEntryPartial> = silentContext()): Promise<CurveRunResult> {
  const { model, images, labels } = request
  const defenses = request.defenses ?? [{ kind: 'none' }]
  const protocols = request.protocols ?? PROTOCOLS
  const curveOptions: CurveOptions = {
    norm: request.norm ?? 'linf',
    points: request.points,
    epsMax: request.epsMax,
    batchSize: request.batchSize,
  }
  const attacks = request.attacks.map((a) => {
    const entry = findAttack(a.id)
    const params = resolveAttackParams(a.id, a.params ?? {})
    return { ...a, params, label: a.label ?? entry?.label ?? a.id, needsGradients: entry?.needsGradients ?? false }
  })

  const pairs: Pair[] = []
  const skipped: SkippedPair[] = []
  attacks.forEach((attack, attackIndex) =>
    defenses.forEach((defense, defenseIndex) => {
      const { run, skip } = plan(attack.needsGradients, defense, protocols)
      for (const protocol of run) pairs.push({ attackIndex, defenseIndex, protocol })
      for (const s of skip) skipped.push({ attack: attack.id, defense: defenseLabel(defense), protocol: s.protocol, reason: s.reason })
    }),
  )

  const defended = new Map<number, Classifier>()
  const defendedModel = async (index: number): Promise<Classifier> => {
    const cached = defended.get(index)
    if (cached) return cached
    const d = defenses[index]
    const built =
      d.kind === 'none'
        ? model
        : d.kind === 'd1'
          ? ((await d.model?.()) ?? withD1(model, d.r, d.options))
          : typeof d.model === 'function'
            ? await d.model()
            : d.model
    defended.set(index, built)
    return built
  }
  const results = new Map<string, AttackResult>()
  const entries: CurveEntry[] = []
  const units = 1000
  let cancelled = false

  try {
    for (const [p, pair] of pairs.entries()) {
      throwIfCancelled(ctx.signal)
      const attack = attacks[pair.attackIndex]
      const defense = defenses[pair.defenseIndex]
      const label = defenseLabel(defense)
      const scored = await defendedModel(pair.defenseIndex)
      const onBase = defense.kind === 'none' || pair.protocol === 'transfer'
      const attacked = onBase ? model : scored
      if (attack.needsGradients) await prepareGradients(attacked)
      if (attack.needsGradients && !attacked.info.gradients) {
        skipped.push({
          attack: attack.id,
          defense: label,
          protocol: pair.protocol,
          reason: `The attacked model "${attacked.info.name}" has no input gradients.`,
        })
        continue
      }
      // Attacks and curves stream nothing of their own: only whole entries reach the caller.
      const pairCtx: JobContext<never> = {
        signal: ctx.signal,
        partial: (data) => ctx.partial(data),
        progress: (done, total, phase) =>
          ctx.progress(
            Math.round(units * (p + (total > 0 ? Math.min(done / total, 1) : 1))),
            units * pairs.length,
            `${attack.label} / ${label} / ${pair.protocol}${phase ? `: ${phase}` : ''}`,
          ),
      }
      const key = `${pair.attackIndex}|${onBase ? 'base' : pair.defenseIndex}`
      let result = results.get(key)
      if (!result) {
        result = await runAttackBatched(attack.id, attacked, images, labels, attack.params, pairCtx, {
          batchSize: request.attackBatchSize ?? 32,
          sampleIds: request.sampleIds,
        })
        results.set(key, result)
      }
      const curve = await robustnessCurve(
        { ...curveOptions, clean: images, adversarial: result.adversarial, labels, model: scored },
        pairCtx,
      )
      const successes = Array.from(result.success)
      const entry: CurveEntry = {
        attack: attack.id,
        attackLabel: attack.label,
        params: attack.params,
        defense: label,
        defenseKind: defense.kind,
        protocol: pair.protocol,
        successRate: successes.reduce((a, b) => a + b, 0) / Math.max(successes.length, 1),
        medianDistance: median(Array.from(curve.distances).filter((_, i) => successes[i] === 1)) ?? NaN,
        meanQueries: Array.from(result.queries).reduce((a, b) => a + b, 0) / Math.max(result.queries.length, 1),
        curve,
        success: result.success,
        margin: result.margin,
        queries: result.queries,
        spectrum: result.spectrum,
        ...(request.keepAdversarials ? { adversarial: result.adversarial } : {}),
      }
      entries.push(entry)
      // The adversarials stay in this process: the stream carries the measured entry only.
      const { adversarial: _kept, ...measured } = entry
      ctx.partial({ type: 'curve-entry', entry: measured })
      ctx.progress(units * (p + 1), units * pairs.length, `${attack.label} / ${label} / ${pair.protocol}: done`)
    }
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e
    cancelled = true
  }

  const envelopes = defenses
    .map((d) => defenseLabel(d))
    .filter((label, i, all) => all.indexOf(label) === i)
    .flatMap((label) => {
      const curves = entries.filter((e) => e.defense === label).map((e) => e.curve)
      return curves.length ? [{ defense: label, envelope: worstCaseEnvelope(curves) }] : []
    })
  return { entries, skipped, envelopes, cancelled }
}
