import { describe, expect, it } from 'vitest'
import { galleryHtml } from '../../../../src-main/engine/export/gallery-html'
import { manifestCsv, type GalleryManifest } from '../../../../src-main/engine/export/gallery-manifest'

function manifest(): GalleryManifest {
  return {
    format: 'hfc-lab-gallery',
    format_version: 1,
    status: 'complete',
    app: { name: 'HFC Lab', version: '0.1.0' },
    backend: 'wasm',
    started: '2026-11-25T00:00:00.000Z',
    updated: '2026-11-25T00:00:01.000Z',
    seed: 0,
    success_rule: 'margin below −0.001',
    model: {
      name: 'cnn <"test">',
      format: 'tfjs-layers',
      file: '/m/model.json',
      sha256: 'ab',
      variant: '',
      input_shape: [28, 28, 1],
      input_range: [0, 1],
      files: [],
    },
    dataset: {
      name: 'Cats, dogs',
      format: 'image-folder',
      source: '/d',
      count: 2,
      shape: [28, 28, 1],
      fingerprint: 'cd',
      classes: ['cat', 'dog'],
    },
    selection: { description: null, requested: 1 },
    filter: { only_all_fooled: false, only_fooled_by: null },
    attacks: [{ key: 'hf', id: 'hf', label: 'High Frequency (HF)', params: { step: 1, mask: 'circle' } }],
    counts: { processed: 1, written: 1, lost_after_png: { hf: 1 } },
    files: { contact_sheets: ['contact-sheet-001.png'], html: 'index.html', csv: 'manifest.csv' },
    rows: [
      {
        sample_id: '000001',
        source_file: '/d/dog/a "b", c.png',
        source_index: 0,
        index: 1,
        true_label: 1,
        true_class: 'dog',
        clean: { prediction: 1, predicted_class: 'dog', confidence: 0.9 },
        original_png: '000001_original.png',
        attacks: {
          hf: {
            prediction: 0,
            predicted_class: 'cat',
            confidence: 0.6,
            success: true,
            margin: -2.5,
            l2: 1.5,
            linf: 0.25,
            queries: 4,
            extra: { radius: 5 },
            png: '000001_hf.png',
            npy: '000001_hf.npy',
            png_prediction: 1,
            png_confidence: 0.55,
            still_adversarial_after_png: false,
          },
        },
      },
    ],
  }
}

describe('gallery manifest files', () => {
  it('quotes CSV fields with commas and quotes, and writes parameters as JSON', () => {
    const [header, line] = manifestCsv(manifest()).trimEnd().split('\n')
    expect(header.startsWith('sample_id,source_file,source_index,index,true_label,true_class,')).toBe(true)
    expect(line).toContain('"/d/dog/a ""b"", c.png"')
    expect(line).toContain('"{""step"":1,""mask"":""circle""}"')
    expect(line).toContain(',"Cats, dogs",')
    expect(line).toContain(',false,')
  })

  it('records the logit margin of every adversarial next to its success', () => {
    const [header, line] = manifestCsv(manifest()).trimEnd().split('\n')
    const columns = header.split(',')
    expect(columns.slice(columns.indexOf('success'), columns.indexOf('success') + 2)).toEqual(['success', 'margin'])
    expect(line).toContain(',true,-2.5,')
  })

  it('escapes HTML and states how many adversarials the 8-bit PNG lost', () => {
    const html = galleryHtml(manifest(), 84)
    expect(html).toContain('cnn &lt;&quot;test&quot;&gt;')
    expect(html).toContain('High Frequency (HF): 1')
    expect(html).toContain('lost in the 8-bit PNG')
    expect(html).toContain('src="000001_hf.png"')
    expect(html).not.toContain('<script')
  })
})
