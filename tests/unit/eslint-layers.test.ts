import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ESLint, type Rule } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'
import { REPO } from './paths'

// The project's own config and rule (plain JS files at the root, loaded by path as ESLint loads them).
const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(join(REPO, file)).href)) as T
const { LAYERS } = await load<{ LAYERS: Record<string, unknown> }>('eslint.config.js')
const { default: layers } = await load<{ default: Rule.RuleModule }>('eslint.layers.js')

// The layer table of eslint.config.js with only the layers rule, so a snippet lints without the
// type-aware program (the file it pretends to be need not exist).
const eslint = new ESLint({
  cwd: REPO,
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      plugins: { hfc: { rules: { layers } } },
      rules: { 'hfc/layers': ['error', LAYERS] },
    },
  ],
})

/** The layer messages for `code` linted as if it were the file `path` of the repository. */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(REPO, path) })
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`)
}

describe('the layers rule of eslint.config.js', () => {
  it('fails a renderer file that imports the engine, naming what the renderer may import', async () => {
    const errors = await layerErrors(
      'src-renderer/lib/probe.ts',
      "import { EngineHost } from '../../src-main/engine/runtime/host'\nexport { EngineHost }\n",
    )
    expect(errors).toEqual([
      'hfc/layers: renderer may not import src-main/engine/runtime/host.ts (engine/runtime): renderer may import only protocol. See "Layers" in the README.',
    ])
  })

  it('counts type-only imports and re-exports too', async () => {
    const errors = await layerErrors(
      'src-renderer/stores/probe.ts',
      "import type { Dataset } from '../../src-main/engine/data/dataset'\nexport * from '../../src-main/engine/spectral'\nexport type { Dataset }\n",
    )
    expect(errors).toHaveLength(2)
  })

  it('lets the renderer import the protocol', async () => {
    expect(await layerErrors('src-renderer/lib/probe.ts', "export { LabCallError } from '../../src-main/protocol/errors'\n")).toEqual([])
  })

  it('lets the CLI use the EngineHost but not the engine internals', async () => {
    expect(await layerErrors('src-main/cli/probe.ts', "export { EngineHost } from '../engine/runtime/host'\n")).toEqual([])
    expect(await layerErrors('src-main/cli/probe.ts', "export { runAttack } from '../engine/attacks'\n")).toHaveLength(1)
  })

  it('keeps the order of the engine layers: a lower layer cannot import a higher one', async () => {
    expect(await layerErrors('src-main/engine/spectral/probe.ts', "export { runAttack } from '../attacks'\n")).toEqual([
      expect.stringContaining('engine/spectral may not import src-main/engine/attacks/index.ts (engine/attacks)'),
    ])
    expect(await layerErrors('src-main/engine/attacks/probe.ts', "export { lowPass } from '../spectral'\n")).toEqual([])
  })

  it('has no attacks <-> eval cycle: attacks score with scoring/, below them, and may not import eval/', async () => {
    expect(await layerErrors('src-main/engine/attacks/probe.ts', "export { batchLogits, perSampleDistance } from '../scoring'\n")).toEqual(
      [],
    )
    expect(await layerErrors('src-main/engine/attacks/probe.ts', "export { runCurve } from '../eval'\n")).toHaveLength(1)
    expect(await layerErrors('src-main/engine/scoring/probe.ts', "export { runAttack } from '../attacks'\n")).toHaveLength(1)
  })

  it('keeps the protocol free of any other folder', async () => {
    expect(await layerErrors('src-main/protocol/probe.ts', "export { EngineHost } from '../engine/runtime/host'\n")).toHaveLength(1)
  })
})
