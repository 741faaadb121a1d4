import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { LabError } from '../base/errors'
import { resourcesDir } from '../base/resources-path'
import type { OpenModelOptions } from '../models/build-loaded-model'
import { DEFAULT_MODEL_RECIPES } from '../models/default-recipes'
import type { LoadedModel } from '../models/layers-classifier'
import { openModel } from './registry'

export interface DefaultModelEntry {
  id: string
  description: string
  /** model.json of the embedded model. */
  path: string
}

function modelPath(id: string): string {
  return join(resourcesDir(), 'models', id, 'model.json')
}

/** The embedded default models that are present in resources/models. */
export function defaultModels(): DefaultModelEntry[] {
  return DEFAULT_MODEL_RECIPES.filter((r) => existsSync(modelPath(r.id))).map((r) => ({
    id: r.id,
    description: r.description,
    path: modelPath(r.id),
  }))
}

export async function openDefaultModel(id: string, options: OpenModelOptions = {}): Promise<LoadedModel> {
  const entry = defaultModels().find((m) => m.id === id)
  if (!entry) {
    const ids = defaultModels().map((m) => m.id)
    throw new LabError(
      'MODEL_NO_DEFAULT',
      `There is no embedded default model '${id}'. Available: ${ids.join(', ') || 'none (run npm run train:defaults)'}.`,
    )
  }
  return openModel(entry.path, options)
}
