/** The block HFC Lab reads from (and writes to) model.json userDefinedMetadata: `hfcLab` (or `hfc-lab`). */
export interface HfcLabMetadata {
  inputRange?: unknown
  classes?: unknown
  /** Mean, std and channel order (protocol preprocessingSchema), as HFC Lab's exports record them. */
  preprocessing?: unknown
}

export function hfcLabMetadata(userDefined: unknown): HfcLabMetadata | undefined {
  if (typeof userDefined !== 'object' || userDefined === null) return undefined
  const block = (userDefined as Record<string, unknown>).hfcLab ?? (userDefined as Record<string, unknown>)['hfc-lab']
  return typeof block === 'object' && block !== null ? (block as HfcLabMetadata) : undefined
}
