import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { writeFileAtomic } from '../export/atomic-write'
import { toFloat16 } from './float16'

export const WEIGHTS_FILE = 'weights.bin'

export interface SaveLayersOptions {
  /** Added to the model's own userDefinedMetadata in the file (e.g. the hfcLab block); the model object is not changed. */
  metadata?: Record<string, unknown>
  /** Store float32 weights as float16 (half the size); TF.js expands them again on load. */
  float16?: boolean
}

/** Writes a Layers model as model.json + one weights file in `dir` (created if missing), each file atomically. */
export async function saveLayersModel(model: tfl.LayersModel, dir: string, options: SaveLayersOptions = {}): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    }),
  )
  if (!artifacts?.weightSpecs || !artifacts.weightData) throw new Error('The model produced no weights to save.')
  const raw = tf.io.CompositeArrayBuffer.join(artifacts.weightData)
  let weights: Uint8Array = new Uint8Array(raw)
  let specs = artifacts.weightSpecs
  if (options.float16) {
    if (specs.some((s) => s.dtype !== 'float32')) throw new Error('float16 storage needs float32 weights only.')
    const half = toFloat16(new Float32Array(raw))
    weights = new Uint8Array(half.buffer)
    specs = specs.map((s) => ({ ...s, quantization: { dtype: 'float16' as const } }))
  }
  const modelJson: tf.io.ModelJSON = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_core}`,
    convertedBy: 'HFC Lab',
    modelTopology: artifacts.modelTopology as object,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
    ...(artifacts.userDefinedMetadata || options.metadata
      ? { userDefinedMetadata: { ...artifacts.userDefinedMetadata, ...options.metadata } as Record<string, object> }
      : {}),
  }
  await mkdir(dir, { recursive: true })
  await writeFileAtomic(join(dir, WEIGHTS_FILE), weights, { force: true })
  await writeFileAtomic(join(dir, 'model.json'), JSON.stringify(modelJson), { force: true })
}
