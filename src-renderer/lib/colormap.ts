/** Diverging blue-white-red map for signed weights at a shared scale: -max -> blue, 0 -> white, +max -> red. */
export function diverging(value: number, maxAbs: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, maxAbs > 0 ? value / maxAbs : 0))
  if (t >= 0) return [255, Math.round(255 * (1 - t)), Math.round(255 * (1 - t))]
  return [Math.round(255 * (1 + t)), Math.round(255 * (1 + t)), 255]
}

/** Sequential dark-to-bright map for magnitudes in [0, 1]. */
export function magma(t: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, t))
  return [
    Math.round(255 * Math.min(1, 1.6 * x)),
    Math.round(255 * Math.max(0, 1.5 * x - 0.5)),
    Math.round(255 * (0.35 + 0.5 * Math.sin(Math.PI * x)) * (1 - x * 0.4)),
  ]
}
