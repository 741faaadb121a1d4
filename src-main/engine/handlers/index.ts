import { attackHandlers } from './attacks'
import { dataHandlers } from './data'
import { engineHandlers } from './engine'
import { galleryHandlers } from './gallery'
import { heatmapHandlers } from './heatmap'
import { modelHandlers } from './models'
import { reportHandlers } from './report'
import { spectralHandlers } from './spectral'
import type { HandlerTable } from './types'

export const handlers: HandlerTable = {
  ...engineHandlers,
  ...dataHandlers,
  ...spectralHandlers,
  ...modelHandlers,
  ...attackHandlers,
  ...galleryHandlers,
  ...heatmapHandlers,
  ...reportHandlers,
}
