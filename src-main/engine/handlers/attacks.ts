import { describeDefense } from '../../protocol/models'
import { listAttacks } from '../attacks'
import { listCurvePresets } from '../eval'
import { attackSelection } from '../jobs/attack-run'
import { selectIndices } from '../jobs/batches'
import { curveExamples, runKeptCurve } from '../session/curve-runs'
import { defended } from '../session/defended'
import { checkCompatible, getDataset } from '../session/lookup'
import type { HandlerTable } from './types'

export const attackHandlers = {
  async 'attack.list'() {
    return listAttacks()
  },

  async 'attack.presets'({ height, width }) {
    return listCurvePresets(height, width)
  },

  async 'attack.run'({ modelId, datasetId, attack, defense, batchSize, returnAdversarials, ...selection }, ctx, state) {
    const dataset = getDataset(state, datasetId)
    const { model } = await defended(state, modelId, defense)
    checkCompatible(model, dataset)
    return attackSelection(
      model,
      dataset,
      selectIndices(dataset, selection),
      attack,
      { defense: describeDefense(defense), batchSize, returnAdversarials },
      ctx,
    )
  },

  async 'attack.curve'(params, ctx, state) {
    return runKeptCurve(state, params, ctx)
  },

  async 'attack.examples'(params, _ctx, state) {
    return curveExamples(state, params)
  },
} satisfies HandlerTable
