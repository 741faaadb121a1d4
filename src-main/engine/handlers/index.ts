import { attackHandlers } from './attacks'
import { dataHandlers } from './data'
import { engineHandlers } from './engine'
import { galleryHandlers } from './gallery'
import { heatmapHandlers } from './heatmap'
import { modelHandlers } from './models'
import { reportHandlers } from './report'
import { spectralHandlers } from './spectral'
import type { CompleteHandlerTable } from './types'

/** Every protocol method has its handler: a method added without one fails to compile here. */
export const handlers = {
  ...engineHandlers,
  ...dataHandlers,
  ...spectralHandlers,
  ...modelHandlers,
  ...attackHandlers,
  ...galleryHandlers,
  ...heatmapHandlers,
  ...reportHandlers,
} satisfies CompleteHandlerTable
