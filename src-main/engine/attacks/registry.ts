import type * as tf from '@tensorflow/tfjs-core'
import type { z } from 'zod'
import type { Classifier } from '../models/classifier'
import type { AttackInfo } from '../../protocol/attacks'
import type { JobContext } from '../base/job-context'
import type { AttackResult, AttackRunOptions } from './attack-result'
import { run as runCw } from './cw'
import { run as runDeepfool } from './deepfool'
import { run as runFgsm } from './fgsm'
import { run as runHf } from './hf'
import { cwParams, deepfoolParams, fgsmParams, hfParams, pgdParams, saltPepperParams, singlePixelParams } from './params'
import { run as runPgd } from './pgd'
import { run as runSaltPepper } from './salt-pepper'
import { run as runSinglePixel } from './single-pixel'

export type AttackId = 'hf' | 'fgsm' | 'pgd' | 'deepfool' | 'cw' | 'single-pixel' | 'salt-pepper'

/** A registered attack: what attack.list describes (AttackInfo), its parameter schema and its method. */
export interface AttackEntry<S extends z.AnyZodObject = z.AnyZodObject> extends Pick<
  AttackInfo,
  'label' | 'summary' | 'needsGradients' | 'kind'
> {
  id: AttackId
  params: S
  run: (
    model: Classifier,
    images: tf.Tensor4D,
    labels: Int32Array,
    options: z.output<S> & AttackRunOptions,
    ctx: JobContext,
  ) => Promise<AttackResult>
}

function entry<S extends z.AnyZodObject>(e: AttackEntry<S>): AttackEntry {
  return e as unknown as AttackEntry
}

export const ATTACKS: readonly AttackEntry[] = [
  entry({
    id: 'hf',
    label: 'High Frequency (HF)',
    summary: 'The paper’s query-only attack: removes ever more high frequencies until the prediction changes.',
    needsGradients: false,
    kind: 'minimisation',
    params: hfParams,
    run: runHf,
  }),
  entry({
    id: 'fgsm',
    label: 'FGSM',
    summary: 'Fast gradient sign method (Foolbox GradientSignAttack): one signed-gradient step, smallest fooling ε.',
    needsGradients: true,
    kind: 'either',
    params: fgsmParams,
    run: runFgsm,
  }),
  entry({
    id: 'pgd',
    label: 'PGD',
    summary: 'Projected gradient descent (Madry et al.) at fixed L∞ or L2 budgets, Foolbox 3 defaults.',
    needsGradients: true,
    kind: 'fixed-budget',
    params: pgdParams,
    run: runPgd,
  }),
  entry({
    id: 'deepfool',
    label: 'DeepFool',
    summary: 'DeepFool (L2): steps to the nearest linearised decision boundary among the top classes.',
    needsGradients: true,
    kind: 'minimisation',
    params: deepfoolParams,
    run: runDeepfool,
  }),
  entry({
    id: 'cw',
    label: 'Carlini-Wagner L2',
    summary: 'Carlini-Wagner L2: Adam in tanh space with a binary search on the loss constant.',
    needsGradients: true,
    kind: 'minimisation',
    params: cwParams,
    run: runCw,
  }),
  entry({
    id: 'single-pixel',
    label: 'Single pixel',
    summary: 'Sets one pixel at a time to black or white, in a random order, until the prediction changes.',
    needsGradients: false,
    kind: 'minimisation',
    params: singlePixelParams,
    run: runSinglePixel,
  }),
  entry({
    id: 'salt-pepper',
    label: 'Salt & pepper',
    summary: 'Adds salt-and-pepper noise of growing density and keeps the least noisy image that fools the model.',
    needsGradients: false,
    kind: 'minimisation',
    params: saltPepperParams,
    run: runSaltPepper,
  }),
]

export function findAttack(id: string): AttackEntry | undefined {
  return ATTACKS.find((a) => a.id === id)
}
