import * as tf from '@tensorflow/tfjs-core'
import { centredDftMatrix } from './matrix-cache'
import { chunkImages } from './separable-filter'

/** [B, H, W] planes -> centred log(1 + |F x|) planes, with the DFT as real products (no complex dtype on wasm). */
function logMagnitudePlanes(planes: tf.Tensor3D): tf.Tensor3D {
  const [b, h, w] = planes.shape
  return tf.tidy(() => {
    // [x Cw | x Sw], then per plane transposed and multiplied by [Ch | Sh]: four blocks (x Cw)^T Ch, ...
    const first = tf.matMul(tf.reshape(planes, [b * h, w]), centredDftMatrix(w))
    const turned = tf.transpose(tf.reshape(first, [b, h, 2 * w]), [0, 2, 1])
    const second = tf.reshape(tf.matMul(tf.reshape(turned, [b * 2 * w, h]), centredDftMatrix(h)), [b, 2, w, 2, h])
    const block = (i: number, j: number) => tf.reshape(tf.slice(second, [0, i, 0, j, 0], [b, 1, w, 1, h]), [b, w, h])
    const cc = block(0, 0)
    const cs = block(0, 1)
    const sc = block(1, 0)
    const ss = block(1, 1)
    // Re F = Ch^T x Cw - Sh^T x Sw and Im F = -(Ch^T x Sw + Sh^T x Cw); blocks are transposed ([w, h]).
    const re = tf.sub(cc, ss)
    const im = tf.add(sc, cs)
    const magnitude = tf.sqrt(tf.add(tf.square(re), tf.square(im)))
    return tf.transpose(tf.log1p(magnitude) as tf.Tensor3D, [0, 2, 1])
  })
}

/** Centred log(1 + |F(x)|) of every channel of NHWC images, DC at (floor(h/2), floor(w/2)), for display. */
export function logMagnitudeSpectrum(images: tf.Tensor4D): tf.Tensor4D {
  if (images.rank !== 4) throw new RangeError(`expected NHWC images (rank 4), got shape [${images.shape.join(', ')}]`)
  const [n, h, w, c] = images.shape
  const per = chunkImages(h, w, 4 * c)
  return tf.tidy(() => {
    const parts: tf.Tensor4D[] = []
    for (let start = 0; start < n; start += per) {
      const size = Math.min(per, n - start)
      const chunk = tf.slice(images, [start, 0, 0, 0], [size, h, w, c])
      const planes = tf.reshape<tf.Rank.R3>(tf.transpose(chunk, [0, 3, 1, 2]), [size * c, h, w])
      parts.push(tf.transpose(tf.reshape(logMagnitudePlanes(planes), [size, c, h, w]), [0, 2, 3, 1]))
    }
    return parts.length === 1 ? parts[0] : tf.concat(parts, 0)
  })
}
