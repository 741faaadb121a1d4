import type { OpSpec } from '../op-spec'
import { ACTIVATION_OPS } from './activation'
import { BINARY_OPS } from './binary'
import { CONSTANT_OPS } from './constants'
import { CONV_OPS } from './conv'
import { DENSE_OPS } from './dense'
import { NORMALIZATION_OPS } from './normalization'
import { POOL_OPS } from './pool'
import { REDUCE_OPS } from './reduce'
import { RESHAPE_OPS } from './reshape'
import { RESIZE_OPS } from './resize'
import { SLICING_OPS } from './slicing'
import { SOFTMAX_OPS } from './softmax'

/** Every ai.onnx operator HFC Lab converts, by op type. */
export const ONNX_OPS: Readonly<Record<string, OpSpec>> = {
  ...ACTIVATION_OPS,
  ...BINARY_OPS,
  ...CONSTANT_OPS,
  ...CONV_OPS,
  ...DENSE_OPS,
  ...NORMALIZATION_OPS,
  ...POOL_OPS,
  ...REDUCE_OPS,
  ...RESHAPE_OPS,
  ...RESIZE_OPS,
  ...SLICING_OPS,
  ...SOFTMAX_OPS,
}

export { convNhwc } from './conv'
export { averagePoolCounts } from './pool'
export { reshapeTarget } from './reshape'
