import { fingerprint } from '../data'
import { loadSection, saveSection, writeReport } from '../report'
import { getDataset, getModel } from '../session/lookup'
import { summary } from './data'
import { summarize } from './models'
import type { HandlerTable } from './types'

/** The worker's part of a report: its inputs' identity, its checkpoints and its folder (report.run itself runs in the host). */
export const reportHandlers = {
  async 'report.describe'({ modelId, datasetId }, _ctx, state) {
    const dataset = getDataset(state, datasetId)
    return { model: summarize(getModel(state, modelId)), dataset: summary(dataset), fingerprint: await fingerprint(dataset) }
  },

  async 'report.checkpoint'({ out, key, section, value, force }) {
    if (value === undefined) return { value: await loadSection(out, key, section, force) }
    await saveSection(out, key, section, value)
    return { value: null }
  },

  async 'report.write'(params, ctx) {
    return writeReport(params, (done) => ctx.progress(done, done + 1, 'writing files'))
  },
} satisfies HandlerTable
