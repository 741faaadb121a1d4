import { basename, dirname } from 'node:path'
import type * as tf from '@tensorflow/tfjs-core'
import { LabError } from '../base/errors'
import type { ModelFile } from './build-loaded-model'
import { readFolderFile } from './folder-file'

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 }

function specBytes(spec: tf.io.WeightsManifestEntry, source: string): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype
  const bytes = BYTES[dtype]
  if (!bytes)
    throw new LabError('MODEL_WEIGHTS_DTYPE', `${source}: weight '${spec.name}' has the type ${dtype}, which HFC Lab cannot read.`)
  if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new LabError(
      'MODEL_BAD_JSON',
      `${source}: weight '${spec.name}' has the shape ${JSON.stringify(spec.shape)}, which is not a list of sizes.`,
    )
  return spec.shape.reduce((p, d) => p * d, 1) * bytes
}

/**
 * Reads the weight shards a model.json lists, from the files beside it (never over a network),
 * and checks every group's total size against its weight specs before TF.js sees the bytes.
 */
export async function readWeightShards(
  modelJsonPath: string,
  manifest: tf.io.WeightsManifestConfig,
): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer; files: ModelFile[] }> {
  const source = basename(modelJsonPath)
  const folder = dirname(modelJsonPath)
  const specs: tf.io.WeightsManifestEntry[] = []
  const files: ModelFile[] = []
  const parts: Uint8Array[] = []
  for (const group of manifest) {
    const expected = group.weights.reduce((sum, s) => sum + specBytes(s, source), 0)
    let actual = 0
    for (const shard of group.paths) {
      // Only what the specs describe is read: a shard larger than the bytes still missing is refused unread.
      const read = readFolderFile(folder, String(shard), expected - actual)
      if ('refused' in read) {
        throw new LabError(
          'MODEL_WEIGHTS_MISSING',
          `${source} needs the weight file ${shard}, which is not a file in its folder ${folder} (weight files must lie beside model.json; links leading out of the folder are not followed). Copy every file the model was saved with into one folder.`,
        )
      }
      if ('tooLarge' in read) {
        throw new LabError(
          'MODEL_WEIGHTS_SIZE',
          `${shard} has ${read.tooLarge} bytes, more than the ${expected} bytes of weights ${source} describes for ${group.paths.join(', ')}. The file belongs to another model or the model.json is damaged.`,
        )
      }
      files.push(read)
      parts.push(read.bytes)
      actual += read.bytes.length
    }
    if (actual !== expected) {
      throw new LabError(
        'MODEL_WEIGHTS_SIZE',
        `${group.paths.join(', ')}: ${actual} bytes, but ${source} describes ${expected} bytes of weights there. The file is truncated or belongs to another model.`,
      )
    }
    specs.push(...group.weights)
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  parts.reduce((offset, p) => (data.set(p, offset), offset + p.length), 0)
  return { specs, data: data.buffer, files }
}
