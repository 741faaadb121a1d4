import { findAttack, listAttacks, resolveAttackParams } from '../attacks'
import { LabError } from '../base/errors'
import type { Classifier } from '../models/classifier'
import type { GalleryAttack, PlannedAttack } from './types'

const KEY_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/
/** The clean image's column and file suffix. */
const RESERVED_KEY = 'original'

/**
 * Validates the gallery's attacks before any work (so an export never stops half-way over a typo):
 * ids, unique column keys, parameters with defaults, the run's seed for seeded attacks that name
 * none, and gradients where an attack needs them.
 */
export function planAttacks(attacks: GalleryAttack[], model: Classifier, seed: number): PlannedAttack[] {
  if (attacks.length === 0) throw new LabError('GALLERY_NO_ATTACKS', 'Choose at least one attack for the gallery.')
  const seeded = new Set<string>(
    listAttacks()
      .filter((a) => a.params.some((p) => p.name === 'seed'))
      .map((a) => a.id),
  )
  const keys = new Set<string>()
  return attacks.map((a) => {
    const entry = findAttack(a.id)
    if (!entry) {
      throw new LabError(
        'ATTACK_UNKNOWN',
        `There is no attack "${a.id}". Choose one of: ${listAttacks()
          .map((d) => d.id)
          .join(', ')}.`,
      )
    }
    const key = a.key ?? a.id
    if (!KEY_PATTERN.test(key)) {
      throw new LabError(
        'GALLERY_ATTACK_KEY',
        `The column name "${key}" is not usable in file names. Use lower-case letters, digits and '-' (at most 40).`,
      )
    }
    if (key === RESERVED_KEY) {
      throw new LabError(
        'GALLERY_ATTACK_KEY',
        `The column name "${RESERVED_KEY}" is reserved for the clean images. Give the attack another key.`,
      )
    }
    if (keys.has(key)) {
      throw new LabError(
        'GALLERY_ATTACK_KEY',
        `Two attacks share the column name "${key}". Give each a distinct key to run an attack twice.`,
      )
    }
    keys.add(key)
    if (entry.needsGradients && !model.info.gradients) {
      throw new LabError(
        'ATTACK_NEEDS_GRADIENTS',
        `${entry.label} needs input gradients, which the model "${model.info.name}" does not provide. Choose a query-only attack (HF, single pixel, salt & pepper) or load a model with gradients.`,
      )
    }
    const given = a.params ?? {}
    const params = resolveAttackParams(a.id, seeded.has(a.id) && given.seed === undefined ? { ...given, seed } : given)
    return { key, id: a.id, label: entry.label, params }
  })
}
