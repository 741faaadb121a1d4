import { describe, expect, it } from 'vitest'
import { droppedKind } from '../../../../src-renderer/lib/dropped-path'

describe('what a dropped path opens as', () => {
  it('opens model files as models', () => {
    for (const path of ['/m/model.json', '/m/net.h5', 'C:\\m\\net.HDF5', '/m/net.keras', '/m/net.onnx'])
      expect(droppedKind(path)).toBe('model')
  })
  it('opens folders and data files as data sets', () => {
    for (const path of ['/data/mnist', '/data/cifar/data_batch_1.bin', '/data/set.npz', '/data/t10k-images-idx3-ubyte', '/data/photos.d'])
      expect(droppedKind(path)).toBe('dataset')
  })
})
