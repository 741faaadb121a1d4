import { LabError } from '../base/errors'
import type { ByteSource } from './byte-source'

/** Several byte sources read as one, end to end (CIFAR-10's five training batches). */
export function concatSources(parts: ByteSource[]): ByteSource {
  const starts: number[] = []
  let size = 0
  for (const p of parts) {
    starts.push(size)
    size += p.size
  }
  const source: ByteSource = {
    file: parts.map((p) => p.file).join(', '),
    size,
    async read(offset, length) {
      const out = new Uint8Array(length)
      let done = 0
      for (let k = 0; k < parts.length && done < length; k++) {
        const at = offset + done - starts[k]
        if (at >= parts[k].size || at < 0) continue
        const take = Math.min(length - done, parts[k].size - at)
        out.set(await parts[k].read(at, take), done)
        done += take
      }
      if (done < length) {
        throw new LabError('DATA_INDEX', `Bytes ${offset} to ${offset + length} lie past the end of ${source.file} (${size} bytes).`)
      }
      return out
    },
    async close() {
      await Promise.all(parts.map((p) => p.close()))
    },
  }
  return source
}
