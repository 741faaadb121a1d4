import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'

/** An independent copy of a Layers model: same topology, its own copies of the weights. */
export async function cloneLayersModel(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  const topology = model.toJSON(null, false) as object
  const clone = await tfl.models.modelFromJSON({ modelTopology: topology } as never)
  const weights = model.getWeights().map((w) => w.clone())
  clone.setWeights(weights)
  tf.dispose(weights)
  return clone
}
