type Plane = Float64Array | Float32Array

function roll<T extends Plane>(plane: T, h: number, w: number, dy: number, dx: number): T {
  if (plane.length !== h * w) throw new RangeError(`expected an ${h}x${w} plane (${h * w} values), got ${plane.length}`)
  const out = new (plane.constructor as { new (n: number): T })(h * w)
  for (let i = 0; i < h; i++) {
    const row = ((i + dy) % h) * w
    for (let j = 0; j < w; j++) out[row + ((j + dx) % w)] = plane[i * w + j]
  }
  return out
}

/** Moves the DC bin from (0, 0) to the centroid (floor(h/2), floor(w/2)), as numpy's fftshift. */
export function fftshift<T extends Plane>(plane: T, h: number, w: number): T {
  return roll(plane, h, w, Math.floor(h / 2), Math.floor(w / 2))
}

/** Inverse of fftshift (differs from it for odd sizes), as numpy's ifftshift. */
export function ifftshift<T extends Plane>(plane: T, h: number, w: number): T {
  return roll(plane, h, w, Math.ceil(h / 2), Math.ceil(w / 2))
}
