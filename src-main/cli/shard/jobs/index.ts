import type { ShardCommand } from '../shard-record'
import { attackOutputs } from './attack'
import { curveOutputs } from './curve'
import { evaluationOutputs } from './evaluate'
import { figure1Outputs } from './figure1'
import { galleryOutputs } from './gallery'
import { gradOutputs } from './grad'
import { heatmapOutputs } from './heatmap'
import type { CommandOutputs } from './types'

export { attackSummary, printAttack, writeAttackOutputs } from './attack'
export { curveJson, printCurve, writeCurveOutputs } from './curve'
export { printEvaluation, writeEvaluation } from './evaluate'
export { printFigure1, writeFigure1 } from './figure1'
export { galleryBatchResult, printGallery, type GalleryRunOptions } from './gallery'
export { printGradients, writeGradients } from './grad'
export { heatmapSummary, printHeatmap, writeHeatmapOutputs } from './heatmap'
export type { CommandOutputs, MergeContext } from './types'

/** How each sharded command's batches are merged into its unsharded outputs. */
export const commandOutputs: Record<ShardCommand, CommandOutputs<never, unknown>> = {
  attack: attackOutputs,
  curve: curveOutputs,
  eval: evaluationOutputs,
  figure1: figure1Outputs,
  gallery: galleryOutputs,
  grad: gradOutputs,
  heatmap: heatmapOutputs,
}
