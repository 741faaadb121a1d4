import type { DatasetSpec, DatasetSummary } from '../../protocol/data'
import { specId } from '../base/spec-id'
import { fingerprint, listDefaultDatasets, openDataset, openDefaultDataset, parseIndices, readThumbnails, type Dataset } from '../data'
import { selectIndices } from '../jobs/batches'
import { exportImages } from '../jobs/export-images'
import { getDataset } from '../session/lookup'
import { closeDataset } from '../session/state'
import type { HandlerTable } from './types'

export function summary(dataset: Dataset): DatasetSummary {
  return { ...dataset.info }
}

async function open(spec: DatasetSpec): Promise<Dataset> {
  const { path, defaultId, ...options } = spec
  return defaultId ? openDefaultDataset(defaultId, options) : openDataset(path!, options)
}

export const dataHandlers = {
  async 'data.defaults'() {
    return listDefaultDatasets().map(({ id, name, description }) => ({ id, name, description }))
  },

  async 'data.open'(spec, _ctx, state) {
    const id = specId('ds', spec)
    let dataset = state.datasets.get(id)
    if (!dataset) {
      dataset = await open(spec)
      state.datasets.set(id, dataset)
    }
    return { id, info: summary(dataset) }
  },

  async 'data.close'({ datasetId }, _ctx, state) {
    return { closed: closeDataset(state, datasetId) }
  },

  async 'data.labels'({ datasetId }, _ctx, state) {
    return { labels: getDataset(state, datasetId).labels() }
  },

  async 'data.selection'({ datasetId, ...selection }, _ctx, state) {
    const dataset = getDataset(state, datasetId)
    return {
      indices: selectIndices(dataset, selection),
      name: dataset.info.name,
      count: dataset.info.count,
      fingerprint: await fingerprint(dataset),
    }
  },

  async 'data.thumbnails'({ datasetId, indices }, _ctx, state) {
    return readThumbnails(getDataset(state, datasetId), indices)
  },

  async 'data.image'({ datasetId, index }, _ctx, state) {
    const dataset = getDataset(state, datasetId)
    return { index, label: dataset.labels()[index], shape: dataset.info.shape, pixels: await dataset.read([index]) }
  },

  async 'data.export'({ datasetId, indices, out, force }, ctx, state) {
    const dataset = getDataset(state, datasetId)
    return exportImages(dataset, parseIndices(indices, dataset.info.count), out, force, ctx)
  },
} satisfies HandlerTable
