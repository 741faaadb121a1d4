import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { SHARED_DATA } from '../../paths'
import { describeWithData } from '../../needs-data'
import { runCliOk } from '../cli-process'

/**
 * One sweep run twice, as a scheduler would: once unsharded, once as 4 shard processes started
 * together with JOB_COMPLETION_INDEX=0..3 (a Kubernetes Indexed Job on one machine), then merged.
 * 40 MNIST test images and cheap attack settings keep it to a minute or two on 2 cores; the
 * README's "Scaling out" numbers come from the same sweep over 200 images.
 */
const SHARDS = 4
const SWEEP = [
  ['--model', 'mnist'],
  ['--data', join(SHARED_DATA, 'mnist')],
  ['--limit', '40'],
  ['--attacks', 'hf,fgsm,salt-pepper'],
  ['--param', 'fgsm.epsilons=50'],
  ['--param', 'salt-pepper.repetitions=2'],
  ['--param', 'salt-pepper.epsilons=20'],
].flat()

const work = mkdtempSync(join(tmpdir(), 'hfc-sweep-'))
const dir = (name: string) => join(work, name)
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** The command unsharded into `full`, as 4 parallel shards, and merged into `merged`; the two --json outputs. */
async function sweep(command: string): Promise<{ full: unknown; merged: unknown; shardDirs: string[] }> {
  const full = await runCliOk([command, ...SWEEP, '--out', dir(`${command}-full`), '--json'])
  const shardDirs = Array.from({ length: SHARDS }, (_, i) => dir(`${command}-shards/shard-${i}`))
  await Promise.all(
    shardDirs.map((out, i) =>
      runCliOk(['--workers', '1', command, ...SWEEP, '--shard', `auto/${SHARDS}`, '--batch-size', '4', '--out', out], {
        JOB_COMPLETION_INDEX: String(i),
      }),
    ),
  )
  // The folder that holds the shard folders stands for all of them.
  const merged = await runCliOk(['merge', dir(`${command}-shards`), '--out', dir(`${command}-merged`), '--json'])
  return { full: JSON.parse(full.stdout), merged: JSON.parse(merged.stdout), shardDirs }
}

const read = (name: string, file: string) => readFileSync(join(dir(name), file))

describeWithData('a sweep sharded over 4 processes and merged', () => {
  let curve: Awaited<ReturnType<typeof sweep>>
  let gallery: Awaited<ReturnType<typeof sweep>>

  beforeAll(async () => {
    curve = await sweep('curve')
    gallery = await sweep('gallery')
  }, 600_000)

  it('gives the curves, AUCs and per-sample distances of the unsharded run, bit for bit', () => {
    expect(curve.merged).toEqual(curve.full)
    const entries = (curve.full as { entries: { attack: string; auc: number }[] }).entries
    expect(entries.map((e) => e.attack)).toEqual(['hf', 'fgsm', 'salt-pepper'])
    expect(read('curve-merged', 'curve.json').equals(read('curve-full', 'curve.json'))).toBe(true)
    const samples = read('curve-merged', 'samples.csv')
    expect(samples.equals(read('curve-full', 'samples.csv'))).toBe(true)
    expect(samples.toString().trim().split('\n')).toHaveLength(1 + 40)
    const spectra = read('curve-merged', 'spectrum.csv')
    expect(spectra.equals(read('curve-full', 'spectrum.csv'))).toBe(true)
    expect(spectra.toString().trim().split('\n')).toHaveLength(1 + 3 * 40)
  })

  it('records in every shard folder its block of the selection, the model hash and the data fingerprint', () => {
    const records = curve.shardDirs.map((d) => JSON.parse(readFileSync(join(d, 'shard.json'), 'utf8')))
    expect(records.map((r) => [r.shard.start, r.shard.end])).toEqual([
      [0, 10],
      [10, 20],
      [20, 30],
      [30, 40],
    ])
    for (const r of records) {
      expect(r.command).toBe('curve')
      expect(r.model.sha256).toMatch(/^[0-9a-f]{64}$/)
      expect(r.dataset.fingerprint).toMatch(/^[0-9a-f]{64}$/)
      expect(r.finished).not.toBeNull()
      expect(r.argv).toContain('auto/4')
    }
  })

  it('gives the gallery files, contact sheets and manifest rows of the unsharded export', () => {
    const manifest = (name: string) => JSON.parse(read(name, 'manifest.json').toString())
    const [full, merged] = [manifest('gallery-full'), manifest('gallery-merged')]
    expect(merged.rows).toEqual(full.rows)
    expect(merged.rows).toHaveLength(40)
    expect(merged.counts).toEqual(full.counts)
    expect(merged.selection).toEqual(full.selection)
    expect(merged.files.contact_sheets).toEqual(full.files.contact_sheets)
    const files = readdirSync(dir('gallery-full')).filter((f) => /\.(png|npy)$/.test(f))
    expect(readdirSync(dir('gallery-merged')).filter((f) => /\.(png|npy)$/.test(f))).toEqual(files)
    const differing = files.filter((f) => !read('gallery-full', f).equals(read('gallery-merged', f)))
    expect(differing).toEqual([])
  })

  it("gives the gallery's summary; the perturbation spectra agree to float rounding", () => {
    type Summary = { perAttack: Record<string, { spectrum: number[] }>; out: string; manifest: string }
    const strip = ({ perAttack, out: _out, manifest: _manifest, ...rest }: Summary) => ({
      ...rest,
      perAttack: Object.fromEntries(Object.entries(perAttack).map(([k, { spectrum: _s, ...a }]) => [k, a])),
    })
    const [full, merged] = [gallery.full as Summary, gallery.merged as Summary]
    expect(strip(merged)).toEqual(strip(full))
    for (const [key, a] of Object.entries(full.perAttack)) {
      const other = merged.perAttack[key].spectrum
      a.spectrum.forEach((v, k) => expect(Math.abs(other[k] - v)).toBeLessThan(1e-6))
    }
  })
})
