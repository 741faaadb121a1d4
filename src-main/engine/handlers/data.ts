import { join } from 'node:path'
import type { BrokenImage, DatasetSpec, DatasetSummary } from '../../protocol/data'
import { listDefaultDatasets, openDataset, openDefaultDataset, parseIndices, type Dataset } from '../data'
import { LabError } from '../base/errors'
import { ensureWritableFolder, writeFileAtomic } from '../export/atomic-write'
import { encodePng } from '../export/png'
import { throwIfCancelled } from '../base/job-context'
import { getDataset } from '../session/lookup'
import { specId } from '../base/spec-id'
import { closeDataset } from '../session/state'
import type { HandlerTable } from './types'

function summary(dataset: Dataset): DatasetSummary {
  const { name, format, source, count, shape, valueRange, classes, classCounts, skipped, resize } = dataset.info
  return { name, format, source, count, shape, valueRange, classes, classCounts, skipped, resize }
}

async function open(spec: DatasetSpec): Promise<Dataset> {
  const { path, defaultId, ...options } = spec
  return defaultId ? openDefaultDataset(defaultId, options) : openDataset(path!, options)
}

export const dataHandlers: HandlerTable = {
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

  async 'data.thumbnails'({ datasetId, indices }, _ctx, state) {
    const dataset = getDataset(state, datasetId)
    const shape = dataset.info.shape
    try {
      return { shape, bytes: await dataset.readBytes(indices), broken: [] }
    } catch (error) {
      if (!(error instanceof LabError) || error.code !== 'DATA_IMAGE') throw error
    }
    // One file that cannot be decoded must not blank a whole page of the grid: read the page image
    // by image (the good ones are cached by now) and report the failures beside the pixels.
    const size = shape[0] * shape[1] * shape[2]
    const bytes = new Uint8Array(indices.length * size)
    const broken: BrokenImage[] = []
    for (const [k, index] of indices.entries()) {
      try {
        bytes.set(await dataset.readBytes([index]), k * size)
      } catch (error) {
        if (!(error instanceof LabError) || error.code !== 'DATA_IMAGE') throw error
        broken.push({ index, file: error.detail, message: error.message })
      }
    }
    return { shape, bytes, broken }
  },

  async 'data.image'({ datasetId, index }, _ctx, state) {
    const dataset = getDataset(state, datasetId)
    return { index, label: dataset.labels()[index], shape: dataset.info.shape, pixels: await dataset.read([index]) }
  },

  async 'data.export'({ datasetId, indices, out, force }, ctx, state) {
    const dataset = getDataset(state, datasetId)
    const chosen = parseIndices(indices, dataset.info.count)
    const [h, w, c] = dataset.info.shape
    const labels = dataset.labels()
    await ensureWritableFolder(out)
    const files: string[] = []
    for (let k = 0; k < chosen.length; k++) {
      throwIfCancelled(ctx.signal)
      const i = chosen[k]
      const file = join(out, `${String(i).padStart(6, '0')}_${labels[i]}.png`)
      await writeFileAtomic(file, await encodePng(await dataset.readBytes([i]), h, w, c), { force })
      files.push(file)
      ctx.progress(k + 1, chosen.length, 'writing PNG files')
    }
    return { written: files.length, out, files }
  },
}
