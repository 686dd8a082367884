import { describe, expect, it } from 'vitest';

import * as T from '@/preview/tr';

import vectors from '../../../crates/sr-imagekit/tests/vectors/tr.json';

type Shaped = { key: string; value: string | null } | { layer: string; steps: Shaped[][] };

/** Steps in the vectors' shape; an unclosed layer has no place in a well-formed vector. */
function shape(tr: T.Step[]): Shaped[][] {
  return tr.map((step) =>
    step.map((i): Shaped => {
      if (i.kind === 'param') return { key: i.key, value: i.value };
      expect(i.closed).toBe(true);
      return { layer: i.type, steps: shape(i.steps) };
    }),
  );
}

const controls = (s: string) => T.readControls(T.parseTr(s));

describe('parsing and printing a tr', () => {
  // The vectors sr-imagekit's parser is tested on too (crates/sr-imagekit/tests/it/tr_vectors.rs).
  it.each(vectors.well_formed.map((v) => v.tr).concat(vectors.malformed))('prints %j back byte for byte', (s) => {
    expect(T.printTr(T.parseTr(s))).toBe(s);
  });

  it.each(vectors.well_formed)('parses $tr into the same steps as the Rust parser', ({ tr, steps }) => {
    expect(shape(T.parseTr(tr))).toEqual(steps);
  });

  it.each(vectors.params)('splits $written as the Rust parser does', ({ written, key, value }) => {
    expect(T.parseParam(written)).toEqual({ kind: 'param', key, value });
  });

  it('splits keys the ImageKit way: effects keep their name, negatives are N', () => {
    expect(T.parseParam('e-sharpen-10')).toEqual({ kind: 'param', key: 'e-sharpen', value: '10' });
    expect(T.parseParam('e-grayscale')).toEqual({ kind: 'param', key: 'e-grayscale', value: null });
    expect(T.parseParam('lx-N35')).toEqual({ kind: 'param', key: 'lx', value: 'N35' });
    expect(T.readNumber('N35')).toBe(-35);
    expect(T.readNumber('iw_div_2')).toBeNull();
    expect(T.formatNumber(-90)).toBe('N90');
    expect(T.formatNumber(2.345)).toBe('2.35');
  });
});

describe('controls read from a tr', () => {
  it('finds crop, size, rotation, flip, trim, output and the watermark wherever they are', () => {
    const c = controls(
      'cm-extract,x-140,y-0,w-360,h-360,rt-90,fl-h,so-1.5,eo-4,q-70,f-webm,vc-vp9,ac-opus:w-1080,h-1080:l-text,i-NEW%20IN,fs-48,co-FFFFFF,bg-00000060,pa-16,ff-Roboto,lfo-bottom_right,l-end',
    );
    expect(c.crop).toEqual({ x: 140, y: 0, w: 360, h: 360 });
    expect(c.size).toEqual({ w: 1080, h: 1080 });
    expect(c.rotation).toBe(90);
    expect(c.flip).toBe('h');
    expect(c.trim).toEqual({ start: 1.5, end: 4, duration: null });
    expect([c.quality, c.format, c.videoCodec, c.audioCodec]).toEqual([70, 'webm', 'vp9', 'opus']);
    expect(c.watermark).toEqual({
      kind: 'text',
      text: 'NEW IN',
      fontSize: 48,
      font: 'Roboto',
      color: 'FFFFFF',
      background: '00000060',
      padding: 16,
      anchor: 'bottom_right',
      x: null,
      y: null,
    });
  });

  it('decodes base64 text and image paths', () => {
    const text = T.printTr([[{ kind: 'layer', type: 'text', steps: [[T.encodeText('Sale – 50% €')]], closed: true }]]);
    expect(text.startsWith('l-text,ie-')).toBe(true);
    expect((controls(text).watermark as T.TextMark).text).toBe('Sale – 50% €');
    const logo = controls('l-image,i-logos@@brand.png,w-120,o-80,lx-N20,ly-20,l-end').watermark as T.ImageMark;
    expect(logo).toMatchObject({ kind: 'image', path: '/logos/brand.png', width: 120, opacity: 80, x: -20, y: 20 });
  });

  it('reads a negative rotation and no crop without cm-extract', () => {
    const c = controls('w-400,h-300,rt-N90');
    expect(c.rotation).toBe(-90);
    expect(c.crop).toBeNull();
    expect(c.size).toEqual({ w: 400, h: 300 });
  });
});

describe('controls write their parameters in place', () => {
  it('builds the studio layout from nothing: crop and rotation first, size next, watermark last', () => {
    let tr = T.parseTr('');
    tr = T.setCrop(tr, { x: 140, y: 0, w: 360, h: 360 });
    tr = T.turn(tr, 90);
    tr = T.setSize(tr, 1080, 1080);
    tr = T.setWatermark(tr, {
      kind: 'text',
      text: 'NEW IN',
      fontSize: 48,
      font: null,
      color: 'FFFFFF',
      background: null,
      padding: 16,
      anchor: 'bottom_right',
      x: null,
      y: null,
    });
    tr = T.setSetting(tr, 'q', '70');
    expect(T.printTr(tr)).toBe(
      'cm-extract,x-140,y-0,w-360,h-360,rt-90,q-70:w-1080,h-1080:l-text,i-NEW%20IN,fs-48,co-FFFFFF,pa-16,lfo-bottom_right,l-end',
    );
    // And back: the controls read what they wrote.
    const c = T.readControls(tr);
    expect(c.crop).toEqual({ x: 140, y: 0, w: 360, h: 360 });
    expect(c.rotation).toBe(90);
    expect(c.size).toEqual({ w: 1080, h: 1080 });
    expect(c.quality).toBe(70);
    expect(c.watermark?.kind).toBe('text');
  });

  it('keeps parameters it does not know, where they were typed', () => {
    const typed = 'e-sharpen-10,w-800:zz-unknown,rt-90:n-shop_tile';
    let tr = T.parseTr(typed);
    tr = T.turn(tr, 90);
    tr = T.setCrop(tr, { x: 0, y: 0, w: 100, h: 100 });
    expect(T.printTr(tr)).toBe('cm-extract,x-0,y-0,w-100,h-100:e-sharpen-10,w-800:zz-unknown,rt-180:n-shop_tile');
    tr = T.setCrop(tr, null);
    tr = T.setRotation(tr, 0);
    expect(T.printTr(tr)).toBe('e-sharpen-10,w-800:zz-unknown:n-shop_tile');
  });

  it('puts a new crop in front of an existing rotation so it applies to the upright original', () => {
    expect(T.edit('rt-90', (t) => T.setCrop(t, { x: 10, y: 20, w: 300, h: 200 }))).toBe('cm-extract,x-10,y-20,w-300,h-200,rt-90');
    expect(T.edit('w-1080,h-1080', (t) => T.setCrop(t, { x: 0, y: 0, w: 360, h: 360 }))).toBe(
      'cm-extract,x-0,y-0,w-360,h-360:w-1080,h-1080',
    );
    // A rotation added to a tr that only resizes goes before the resize (turn, then fit).
    expect(T.edit('w-1080,h-1920', (t) => T.turn(t, 90))).toBe('rt-90:w-1080,h-1920');
  });

  it('turns in quarters around the circle and toggles flips per axis', () => {
    let tr = T.parseTr('');
    tr = T.turn(tr, -90);
    expect(T.printTr(tr)).toBe('rt-270');
    tr = T.turn(tr, 90);
    expect(T.printTr(tr)).toBe('');
    tr = T.toggleFlip(tr, 'h');
    tr = T.toggleFlip(tr, 'v');
    expect(T.printTr(tr)).toBe('fl-h_v');
    tr = T.toggleFlip(tr, 'h');
    expect(T.printTr(tr)).toBe('fl-v');
    expect(T.edit('', (t) => T.setRotation(t, 12.5))).toBe('rt-12.5');
  });

  it('trims with so/eo, or so/du when the tr already uses du', () => {
    expect(T.edit('', (t) => T.setTrim(t, 1.25, 4))).toBe('so-1.25,eo-4');
    expect(T.edit('so-1,du-3', (t) => T.setTrim(t, 2, 6))).toBe('so-2,du-4');
    expect(T.edit('so-2,eo-4,q-50', (t) => T.setTrim(t, null, null))).toBe('q-50');
    // Trim goes with the other settings, not into the watermark step.
    expect(T.edit('l-text,i-x,l-end', (t) => T.setTrim(t, 1, null))).toBe('so-1:l-text,i-x,l-end');
  });

  it('writes watermark text plain when it can and base64 when it must, with lx/ly or lfo', () => {
    const base: T.TextMark = {
      kind: 'text',
      text: 'SALE',
      fontSize: null,
      font: null,
      color: null,
      background: null,
      padding: null,
      anchor: 'top_left',
      x: null,
      y: null,
    };
    expect(T.edit('', (t) => T.setWatermark(t, base))).toBe('l-text,i-SALE,lfo-top_left,l-end');
    expect(T.edit('', (t) => T.setWatermark(t, { ...base, text: '50% off!', x: 40, y: 30 }))).toBe(
      `l-text,ie-${encodeURIComponent(btoa('50% off!'))},lx-40,ly-30,l-end`,
    );
    expect(T.edit('', (t) => T.setWatermark(t, { ...base, x: -20, y: null }))).toBe('l-text,i-SALE,lx-N20,ly-0,l-end');
    // Editing keeps the layer's other parameters (timing) and its place.
    expect(T.edit('w-200:l-text,i-OLD,lso-2,ldu-3,l-end', (t) => T.setWatermark(t, { ...base, text: 'NEW' }))).toBe(
      'w-200:l-text,i-NEW,lfo-top_left,lso-2,ldu-3,l-end',
    );
    const logo: T.ImageMark = { kind: 'image', path: '/logos/brand.png', width: 120, height: null, opacity: 80, anchor: null, x: 10, y: 10 };
    expect(T.edit('', (t) => T.setWatermark(t, logo))).toBe('l-image,i-logos@@brand.png,w-120,o-80,lx-10,ly-10,l-end');
    expect(T.edit('rt-90:l-image,i-a.png,l-end', (t) => T.setWatermark(t, null))).toBe('rt-90');
  });

  it('moves output settings with the settings, and removes them', () => {
    expect(T.edit('cm-extract,x-0,y-0,w-10,h-10', (t) => T.setSetting(t, 'f', 'webm'))).toBe('cm-extract,x-0,y-0,w-10,h-10,f-webm');
    expect(T.edit('q-40:w-10', (t) => T.setSetting(t, 'q', null))).toBe('w-10');
  });
});
