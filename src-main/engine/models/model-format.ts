import type { OpenModelOptions } from './build-loaded-model'
import type { LoadedModel } from './layers-classifier'
import type { ModelProbe } from './model-probe'

/** One model file format: how to recognise it and how to open it. */
export interface ModelFormat {
  format: string
  description: string
  matches(probe: ModelProbe): boolean
  open(probe: ModelProbe, options: OpenModelOptions): Promise<LoadedModel>
}
