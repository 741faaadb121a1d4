/**
 * How the robustness chart tells its lines apart: colour by attack, dash pattern by defense
 * (solid for none, long dashes for D1 radii, dots for D2 radii), a marker by protocol. Worst-case
 * lines take their defense's dash, so two of them never look alike either.
 */
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf']

const DASHES: Record<'none' | 'd1' | 'd2', string[]> = {
  none: ['', '14 3 3 3', '14 3 3 3 3 3'],
  d1: ['8 4', '14 5', '5 4', '14 4 4 4'],
  d2: ['2 3', '2 3 8 3', '1 6', '2 2 2 8'],
}

export type Marker = 'none' | 'circle' | 'square'

/** Undefended curves are the same under every protocol, so only a defended curve carries its protocol's marker. */
export const markerFor = (protocol: string, defenseKind: 'none' | 'd1' | 'd2'): Marker =>
  defenseKind === 'none' ? 'none' : protocol === 'direct' ? 'circle' : protocol === 'adaptive' ? 'square' : 'none'

/** The SVG dash array of each defense label, in the order given ('none', 'd1:8', 'd2:2', ...). */
export function defenseDashes(defenses: { label: string; kind: 'none' | 'd1' | 'd2' }[]): Map<string, string> {
  const out = new Map<string, string>()
  const used = { none: 0, d1: 0, d2: 0 }
  for (const d of defenses) {
    if (out.has(d.label)) continue
    const list = DASHES[d.kind]
    out.set(d.label, list[used[d.kind]++ % list.length])
  }
  return out
}

/** The colour of each attack id, in order of first appearance. */
export function attackColours(attacks: string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const a of attacks) if (!out.has(a)) out.set(a, PALETTE[out.size % PALETTE.length])
  return out
}
