import { join } from 'node:path'
import type { MergedResult, ShardRecord } from '../../../protocol/shards'
import { printJson } from '../../engine'
import { printAttack } from './attack'
import { printCurve } from './curve'
import { printEvaluation } from './evaluate'
import { printFigure1 } from './figure1'
import { printGallery } from './gallery'
import { printGradients } from './grad'
import { printHeatmap } from './heatmap'

export { printAttack } from './attack'
export { printCurve } from './curve'
export { printEvaluation } from './evaluate'
export { printFigure1 } from './figure1'
export { printGallery } from './gallery'
export { printGradients } from './grad'
export { printHeatmap } from './heatmap'

/** What `hfc-lab merge` prints: what the unsharded command prints for the merged result. */
export function printMerged(merged: MergedResult, { json, out, record }: { json: boolean; out: string; record: ShardRecord }): void {
  switch (merged.command) {
    case 'attack':
      return printAttack(merged.result, json, out)
    case 'curve':
      return printCurve(merged.result, String(record.run.norm), json, out)
    case 'eval':
      return printEvaluation(merged.result, json, out)
    case 'figure1':
      return printFigure1(merged.result, json, out)
    case 'gallery':
      return printGallery(merged.result, json)
    case 'grad':
      return printGradients(merged.result, json, join(out, 'gradients.npy'))
    case 'heatmap':
      return printHeatmap(merged.result, json, out)
    case 'report':
      if (json) return printJson({ ...merged.result, data: undefined })
      console.log(`wrote ${merged.result.index} (${merged.result.files.length} files)`)
      console.log(merged.result.pdf ? `PDF: ${merged.result.pdf}` : `No PDF: ${merged.result.pdfNote}`)
      return
  }
}
