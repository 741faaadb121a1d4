import * as tf from '@tensorflow/tfjs-core'
import { mapChunks } from './chunks'
import { centredDft } from './matrix-cache'

/** Each [b, h, w] plane right-multiplied by an [w, k] matrix, then turned to [b, k, h]. */
function productTurned(planes: tf.Tensor3D, m: tf.Tensor2D): tf.Tensor3D {
  const [b, h, w] = planes.shape
  const k = m.shape[1]
  return tf.transpose(tf.reshape(tf.matMul(tf.reshape(planes, [b * h, w]), m), [b, h, k]), [0, 2, 1])
}

/** Right product of [b, w, h] planes by an [h, h] matrix, as [b, w, h]. */
function product(turned: tf.Tensor3D, m: tf.Tensor2D): tf.Tensor3D {
  const [b, w, h] = turned.shape
  return tf.reshape(tf.matMul(tf.reshape(turned, [b * w, h]), m), [b, w, h])
}

/** [B, H, W] planes -> centred log(1 + |F x|), with the DFT as real products (no complex dtype on wasm). */
function logMagnitudePlanes(planes: tf.Tensor3D): tf.Tensor3D {
  const [, h, w] = planes.shape
  return tf.tidy(() => {
    const rowsDft = centredDft(h)
    const colsDft = centredDft(w)
    // (x Cw)^T and (x Sw)^T, then right products with Ch and Sh give the four blocks transposed.
    const xc = productTurned(planes, colsDft.cos)
    const xs = productTurned(planes, colsDft.sin)
    // Re F = Ch^T x Cw - Sh^T x Sw and -Im F = Sh^T x Cw + Ch^T x Sw.
    const re = tf.sub(product(xc, rowsDft.cos), product(xs, rowsDft.sin))
    const im = tf.add(product(xc, rowsDft.sin), product(xs, rowsDft.cos))
    const magnitude = tf.sqrt(tf.add(tf.square(re), tf.square(im)))
    return tf.transpose(tf.log1p(magnitude) as tf.Tensor3D, [0, 2, 1])
  })
}

/** Centred log(1 + |F(x)|) of every channel of NHWC images, DC at (floor(h/2), floor(w/2)), for display. */
export function logMagnitudeSpectrum(images: tf.Tensor4D): tf.Tensor4D {
  if (images.rank !== 4) throw new RangeError(`expected NHWC images (rank 4), got shape [${images.shape.join(', ')}]`)
  return mapChunks(images, (chunk) =>
    tf.tidy(() => {
      const [n, h, w, c] = chunk.shape
      const planes = tf.reshape<tf.Rank.R3>(tf.transpose(chunk, [0, 3, 1, 2]), [n * c, h, w])
      return tf.transpose(tf.reshape<tf.Rank.R4>(logMagnitudePlanes(planes), [n, c, h, w]), [0, 2, 3, 1])
    }),
  )
}
