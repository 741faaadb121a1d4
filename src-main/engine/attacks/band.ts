import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import type { BandChoice } from '../../protocol/attacks'
import { lowPass } from '../spectral'

/**
 * Band-limited attacks (docs/algorithms.md §band-limited attacks): FGSM and PGD whose perturbation is
 * projected onto one frequency band after every step, with the decomposition's radial masks
 * (centred spectrum, strict circle: a bin at distance d from the zero frequency is "low" when d < r).
 * The parameters join FGSM's and PGD's schemas, so the Attacks form shows a band selector and the
 * CLI takes them as --param or --band.
 */
export const bandFields = {
  band: z
    .enum(['all', 'low', 'high', 'annulus'])
    .default('all')
    .describe(
      'Frequency band of the perturbation, projected onto after every step: all (unrestricted), low (d < r), high (d ≥ r) or annulus (r ≤ d < r2), d the distance from the zero frequency of the centred spectrum. Clipping to [0, 1] comes last.',
    ),
  bandRadius: z
    .number()
    .min(0)
    .max(10_000)
    .default(8)
    .describe('Band: the radius r in frequency bins (low, high, inner radius of the annulus).'),
  bandRadius2: z.number().min(0).max(10_000).default(16).describe('Band: the outer radius r2 of the annulus in frequency bins.'),
}

/** Whether an attack's parameters restrict it to a band (parameters without a band field do not). */
export function bandLimited(choice: Partial<BandChoice>): boolean {
  return choice.band !== undefined && choice.band !== 'all'
}

/** The part of a perturbation (NHWC, per channel) that lies in the band; 'all' returns it as is. */
export function projectOntoBand(delta: tf.Tensor4D, choice: BandChoice): tf.Tensor4D {
  if (!bandLimited(choice)) return delta
  return tf.tidy(() => {
    if (choice.band === 'low') return lowPass(delta, choice.bandRadius)
    if (choice.band === 'high') return tf.sub(delta, lowPass(delta, choice.bandRadius)) as tf.Tensor4D
    return tf.sub(lowPass(delta, choice.bandRadius2), lowPass(delta, choice.bandRadius)) as tf.Tensor4D
  })
}

/**
 * A band-limited direction rescaled to L∞ norm 1 per sample, so that FGSM's ε keeps its L∞
 * meaning; an all-zero direction (nothing of the gradient in the band) stays zero.
 */
export function unitLinf(direction: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const peak = tf.max(tf.abs(direction), [1, 2, 3], true)
    return tf.div(direction, tf.where(tf.greater(peak, 0), peak, tf.onesLike(peak))) as tf.Tensor4D
  })
}
