import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO } from '../paths'

/** Names of the interfaces and type aliases each .ts file under `dir` exports, by file. */
function exportedTypes(dir: string): Map<string, string> {
  const names = new Map<string, string>()
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue
    const file = join(entry.parentPath, entry.name)
    for (const m of readFileSync(file, 'utf8').matchAll(/^export (?:interface|type) ([A-Za-z0-9_]+)/gm))
      names.set(m[1], relative(REPO, file))
  }
  return names
}

// Same name, another concept: an ONNX node's attributes (engine/onnx/op-spec.ts) beside a method's params.
const UNRELATED = new Set(['Params'])

describe('wire types', () => {
  it('are declared once, in protocol/: no engine file declares a type under a protocol type name', () => {
    const protocol = exportedTypes(join(REPO, 'src-main/protocol'))
    const engine = exportedTypes(join(REPO, 'src-main/engine'))
    const twice = [...engine].filter(([name]) => protocol.has(name) && !UNRELATED.has(name)).map(([name, file]) => `${name} (${file})`)
    expect(twice).toEqual([])
    // The scan reads what it should: the protocol's wire types are found.
    expect(
      ['KernelReport', 'LayerSummary', 'AttackInfo', 'CurveEntryData', 'Selection', 'PooledPartial'].filter((n) => !protocol.has(n)),
    ).toEqual([])
  })
})
