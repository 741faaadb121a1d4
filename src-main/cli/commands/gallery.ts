import type { Command } from 'commander'
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { EngineHost } from '../../engine/runtime/host'
import { MANIFEST_JSON, type GalleryManifest } from '../../protocol/gallery-manifest'
import { parseDefense } from '../../protocol/models'
import { progressBar, withEngine } from '../engine'
import { addShardOptions, printGallery, runShardCommand, type GalleryRunOptions, type ShardFlags } from '../shard'
import { datasetSpec, modelSpec, selectionOf, type SpecFlags } from '../specs'
import { attackChoices } from './attacks'

const collect = (value: string, previous: string[]) => [...previous, value]

/** What a stopped export left: its manifest lists exactly the samples whose files are all on disk. */
async function galleryKept(out: string): Promise<string> {
  try {
    const manifest = JSON.parse(await readFile(join(out, MANIFEST_JSON), 'utf8')) as GalleryManifest
    return `Kept the ${manifest.counts.written} sample(s) written so far in ${out} (${MANIFEST_JSON} status: ${manifest.status}).`
  } catch {
    return `No sample was written to ${out}.`
  }
}

export function registerGallery(program: Command): void {
  const gallery = program
    .command('gallery')
    .description(
      "adversarial gallery export (the paper's Appendix C): PNG + .npy per sample and attack, contact sheets, index.html, manifest.json/.csv",
    )
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--data <path>', 'data set path or default id')
    .requiredOption('--out <dir>', "output folder (with --shard: this shard's folder, which keeps every sample; merge applies the filters)")
    .option('--attacks <ids>', 'comma-separated attack ids', 'hf,single-pixel,salt-pepper')
    .option(
      '--param <attack.name=value>',
      'parameter of one of the attacks (repeatable), e.g. salt-pepper.repetitions=3; see "hfc-lab attacks"',
      collect,
      [],
    )
    .option('--n <n>', 'random N samples (with --seed)', Number)
    .option('--seed <s>', 'seed of the sample draw and of randomised attacks', Number, 0)
    .option('--limit <n>', 'first N images', Number)
    .option('--indices <list>', 'images, e.g. 0-99')
    .option('--class <k>', 'only samples of this class index', Number)
    .option('--misclassified', 'only samples the model gets wrong')
    .option('--only-all-fooled', 'keep only samples that every attack fooled (Appendix C)')
    .option('--defense <spec>', 'none | d1:R | d2:R1[,R2]', 'none')
    .option('--force', 'overwrite an earlier export in --out')
    .option('--json', 'print a JSON summary on stdout')
  addShardOptions(gallery, 32).action(
    async (
      opts: {
        model: string
        data: string
        out: string
        attacks: string
        param: string[]
        n?: number
        seed: number
        limit?: number
        indices?: string
        class?: number
        misclassified?: boolean
        onlyAllFooled?: boolean
        defense: string
      } & SpecFlags &
        ShardFlags,
    ) => {
      const defense = parseDefense(opts.defense)
      const selection = { ...selectionOf(opts), classIndex: opts.class }
      const open = async (host: EngineHost) => {
        const { id: datasetId } = await host.call('data.open', datasetSpec(opts.data, opts))
        const { id: modelId, info } = await host.call('model.open', modelSpec(opts.model, opts))
        return { datasetId, modelId, info }
      }
      if (opts.shard) {
        return runShardCommand(program.opts(), 'gallery', opts, selection, 32, async (host) => {
          const attacks = await attackChoices(host, opts.attacks, opts.param, opts.seed)
          const { datasetId, modelId, info } = await open(host)
          const run: GalleryRunOptions = { attacks, defense, misclassifiedOnly: !!opts.misclassified, onlyAllFooled: !!opts.onlyAllFooled }
          return {
            run: { ...run },
            model: { spec: opts.model, info },
            datasetId,
            job: {
              method: 'gallery.export',
              params: { modelId, datasetId, attacks, seed: opts.seed, misclassifiedOnly: !!opts.misclassified, defense },
            },
          }
        })
      }
      const result = await withEngine(
        program.opts(),
        async (host) => {
          const attacks = await attackChoices(host, opts.attacks, opts.param, opts.seed)
          const { datasetId, modelId } = await open(host)
          return host.call(
            'gallery.export',
            {
              modelId,
              datasetId,
              out: resolve(opts.out),
              force: !!opts.force,
              attacks,
              ...selection,
              misclassifiedOnly: !!opts.misclassified,
              onlyAllFooled: !!opts.onlyAllFooled,
              defense,
            },
            { onProgress: progressBar('gallery') },
          )
        },
        () => galleryKept(resolve(opts.out)),
      )
      printGallery(result, !!opts.json)
    },
  )
}
