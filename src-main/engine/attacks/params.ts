import { z } from 'zod'
import { bandFields } from './band'

/**
 * Parameter schemas of the attacks. Defaults are Foolbox 1.8.0's (identical through 2.4.0) for
 * the paper's attacks and Foolbox 3's for PGD; the UI builds its forms and the CLI its flags
 * from these schemas, so every field carries its description.
 */

const seed = z
  .number()
  .int()
  .min(0)
  .max(4294967295)
  .default(0)
  .describe(
    'Random seed. Each sample draws from its own stream derived from (seed, sample index), so its result does not depend on the other samples in its batch.',
  )

export const hfParams = z.object({
  step: z
    .number()
    .int()
    .min(1)
    .max(1024)
    .default(1)
    .describe(
      'Step s: each query decrements the larger of the pseudo-indices (p, q) by s. With s = 1 every radius of the staircase is tested.',
    ),
  rMin: z
    .number()
    .min(0)
    .optional()
    .describe(
      'Termination radius r_min in frequency bins: the attack gives up below it. Empty = ⌊n/10⌋ (2 at 28×28, 3 at 32×32, 22 at 224×224), the smallest radius at which MNIST and Fashion-MNIST objects stay legible; the paper does not give its value. 1 tests down to the mean image.',
    ),
  clip: z
    .boolean()
    .default(true)
    .describe(
      'Clip every low-passed image to [0, 1] before it is classified. Off: the raw real part is classified; the returned image is still clipped to [0, 1] and re-checked.',
    ),
  mask: z
    .enum(['circle', 'square', 'gaussian'])
    .default('circle')
    .describe('Low-pass mask: circle (Euclidean distance, the paper), square (Chebyshev distance) or gaussian (soft mask exp(−d²/2r²)).'),
  rule: z
    .enum(['strict', 'inclusive'])
    .default('strict')
    .describe('Mask boundary: strict keeps d < r (the authors’ code), inclusive keeps d ≤ r (the paper text).'),
})

export const fgsmParams = z.object({
  mode: z
    .enum(['scan', 'fixed'])
    .default('scan')
    .describe(
      'scan: Foolbox GradientSignAttack, which tries growing ε and keeps the smallest that fools the model; fixed: one signed-gradient step of size epsilon.',
    ),
  epsilons: z
    .number()
    .int()
    .min(1)
    .max(100000)
    .default(1000)
    .describe(
      'Scan: number of ε values tried, evenly spaced in (0, maxEpsilon]. A hit among the first 20 triggers a finer re-scan of 20 values below it.',
    ),
  maxEpsilon: z.number().gt(0).max(1).default(1).describe('Scan: the largest ε tried (L∞ on the [0, 1] pixel scale).'),
  epsilon: z.number().min(0).max(1).default(0.1).describe('Fixed mode: the step size ε (L∞ on the [0, 1] pixel scale).'),
  ...bandFields,
})

export const pgdParams = z.object({
  norm: z.enum(['linf', 'l2']).default('linf').describe('Threat model: L∞ ball or L2 ball around the clean image.'),
  epsilons: z
    .array(z.number().gt(0))
    .min(1)
    .optional()
    .describe(
      'Perturbation budgets on the [0, 1] pixel scale, tried from the smallest; each sample keeps the smallest that fools the model. Empty = 0.3 for L∞, 2.0 for L2.',
    ),
  steps: z
    .number()
    .int()
    .min(1)
    .max(100000)
    .optional()
    .describe('Gradient steps per budget. Empty = Foolbox 3’s default: 40 for L∞, 50 for L2.'),
  relStepsize: z.number().gt(0).optional().describe('Step size relative to ε. Empty = Foolbox 3’s default: 0.01/0.3 for L∞, 0.025 for L2.'),
  randomStart: z.boolean().default(true).describe('Start from a uniformly random point of the ε-ball (Foolbox 3’s default).'),
  seed,
  ...bandFields,
})

export const deepfoolParams = z.object({
  steps: z
    .number()
    .int()
    .min(1)
    .max(10000)
    .default(100)
    .describe('Maximum number of linearisation steps; the attack stops at the first adversarial.'),
  subsample: z
    .number()
    .int()
    .min(2)
    .max(1000)
    .default(10)
    .describe('Only the top classes of the clean logits are candidates (the true class included), which bounds the gradients per step.'),
})

export const cwParams = z.object({
  binarySearchSteps: z
    .number()
    .int()
    .min(1)
    .max(50)
    .default(5)
    .describe('Rounds of the search on the constant c: ×10 until an adversarial is found, then bisection.'),
  maxIterations: z
    .number()
    .int()
    .min(1)
    .max(100000)
    .default(1000)
    .describe('Adam iterations per search round. Smaller values are faster and find larger perturbations.'),
  confidence: z.number().min(0).default(0).describe('κ: the margin by which the best other logit must exceed the true one.'),
  learningRate: z.number().gt(0).default(5e-3).describe('Adam learning rate in the tanh space.'),
  initialConst: z
    .number()
    .gt(0)
    .default(1e-2)
    .describe('Starting value of c, the weight of the misclassification term against the squared L2 distance.'),
  abortEarly: z
    .boolean()
    .default(true)
    .describe('Stop a round when, at a tenth of the iterations, the loss has not fallen below 0.9999 × its value at the previous check.'),
})

export const singlePixelParams = z.object({
  maxPixels: z
    .number()
    .int()
    .min(1)
    .max(1000000)
    .default(1000)
    .describe('Number of pixel locations tried (a random permutation, each set to black then white).'),
  seed,
})

export const saltPepperParams = z.object({
  epsilons: z
    .number()
    .int()
    .min(1)
    .max(100000)
    .default(100)
    .describe('Noise probabilities tried per repetition, evenly spaced up to the current maximum (capped at H·W).'),
  repetitions: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe('Repetitions; after a success the next one searches up to 1.2 × the noise probability that worked.'),
  seed,
})

export type HfParams = z.output<typeof hfParams>
export type FgsmParams = z.output<typeof fgsmParams>
export type PgdParams = z.output<typeof pgdParams>
export type DeepfoolParams = z.output<typeof deepfoolParams>
export type CwParams = z.output<typeof cwParams>
export type SinglePixelParams = z.output<typeof singlePixelParams>
export type SaltPepperParams = z.output<typeof saltPepperParams>
