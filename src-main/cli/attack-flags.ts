import { parseBand, type AttackInfo, type CurvePresetInfo } from '../protocol/attacks'
import { describeDefense } from '../protocol/models'

/**
 * `--param name=value` pairs (repeatable) to an attack's parameters, typed by its descriptor:
 * numbers, integers, booleans, choices and comma-separated number lists.
 */
export function parseAttackParams(attack: AttackInfo, pairs: string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const pair of pairs) {
    const at = pair.indexOf('=')
    if (at < 1) throw new Error(`--param "${pair}" must look like name=value`)
    const name = pair.slice(0, at)
    const raw = pair.slice(at + 1)
    const info = attack.params.find((p) => p.name === name)
    if (!info) throw new Error(`${attack.label} has no parameter "${name}"; it has: ${attack.params.map((p) => p.name).join(', ')}`)
    if (info.type === 'number' || info.type === 'integer') params[name] = Number(raw)
    else if (info.type === 'boolean') params[name] = raw === 'true' || raw === '1'
    else if (info.type === 'number-list') params[name] = raw.split(',').map(Number)
    else params[name] = raw
  }
  return params
}

export function describeAttacks(attacks: AttackInfo[]): string {
  return attacks
    .map(
      (a) =>
        `  ${a.id.padEnd(12)} ${a.label}${a.needsGradients ? ' (needs gradients)' : ''}\n` +
        a.params.map((p) => `      ${p.name}=${JSON.stringify(p.default ?? null)}  ${p.description}`).join('\n'),
    )
    .join('\n')
}

/** The presets as the CLI lists them: id, label, what they show, and every setting they apply. */
export function describePresets(presets: CurvePresetInfo[]): string {
  return presets
    .map((p) => {
      const s = p.settings
      const lines = [
        `  ${p.id.padEnd(16)} ${p.label}${p.figures.length ? ` (the paper's Figures ${p.figures.join(', ')})` : ''}`,
        `      ${p.description}`,
        `      attacks:   ${s.attacks.map((a) => `${a.id}${Object.keys(a.params).length ? ` ${JSON.stringify(a.params)}` : ''}`).join(', ')}`,
        `      defenses:  ${s.defenses.map(describeDefense).join(', ')}`,
        `      protocols: ${s.protocols.join(', ')}    norm: ${s.norm}    samples: n ${s.n}, seed ${s.seed}`,
      ]
      return lines.join('\n')
    })
    .join('\n')
}

/**
 * `--band all|low:R|high:R|annulus:R1-R2` into the parameters of the attacks that take a band (FGSM,
 * PGD); refused when none of the chosen attacks does.
 */
export function applyBand(choices: { info: AttackInfo; params: Record<string, unknown> }[], band: string | undefined): void {
  if (band === undefined) return
  const banded = choices.filter((c) => c.info.params.some((p) => p.name === 'band'))
  if (!banded.length) throw new Error(`--band applies to FGSM and PGD; ${choices.map((c) => c.info.label).join(', ')} take no band`)
  const values = parseBand(band)
  for (const c of banded) Object.assign(c.params, values)
}
