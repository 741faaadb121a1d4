import { join } from 'node:path'
import { throwIfCancelled, type JobContext } from '../base/job-context'
import type { Dataset } from '../data/dataset'
import { ensureWritableFolder, writeFileAtomic } from '../export/atomic-write'
import { encodePng } from '../export/png'

/** Writes the chosen images as PNG files named <index>_<label>.png into `out`. */
export async function exportImages(
  dataset: Dataset,
  indices: Int32Array,
  out: string,
  force: boolean,
  ctx: JobContext,
): Promise<{ written: number; out: string; files: string[] }> {
  const [h, w, c] = dataset.info.shape
  const labels = dataset.labels()
  await ensureWritableFolder(out)
  const files: string[] = []
  for (let k = 0; k < indices.length; k++) {
    throwIfCancelled(ctx.signal)
    const i = indices[k]
    const file = join(out, `${String(i).padStart(6, '0')}_${labels[i]}.png`)
    await writeFileAtomic(file, await encodePng(await dataset.readBytes([i]), h, w, c), { force })
    files.push(file)
    ctx.progress(k + 1, indices.length, 'writing PNG files')
  }
  return { written: files.length, out, files }
}
