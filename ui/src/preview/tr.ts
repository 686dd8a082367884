// The ImageKit transformation string (`tr`, spec §10) as the studio edits it.
//
// The string is the model: `parseTr` turns it into steps of parameters and layers and `printTr`
// gives the same text back for every well-formed `tr`. The studio's controls read their values
// from it (`readControls`) and write one parameter group at a time (`setCrop`, `setRotation`, …),
// in place, so whatever the controls do not know — `e-sharpen-10`, a named transformation, a
// second layer — stays where the user typed it and still reaches the delivery URL.
//
// Layout the controls create when a group is absent (semantics as the planner has them, §10.2):
//   step 1: cm-extract,x,y,w,h (crop on the upright original), rt, fl, so/eo/du, q, f, vc, ac
//   step 2: w,h (output size, after rotation)
//   last:   l-text|l-image,…,l-end (the watermark, in output pixels)

export interface Param {
  kind: 'param';
  key: string;
  value: string | null;
}

export interface Layer {
  kind: 'layer';
  /** `text`, `image`, `video`, `subtitles` (or the legacy `subtitle`). */
  type: string;
  steps: Step[];
  /** Whether it prints its `l-end`: always for a parsed layer (an opener without one stays a plain
   * parameter); a builder may leave it open. */
  closed: boolean;
}

export type Item = Param | Layer;
export type Step = Item[];
export type Tr = Step[];

const LAYER_TYPES = new Set(['text', 'image', 'video', 'subtitles', 'subtitle']);

function layerType(token: string): string | null {
  if (!token.startsWith('l-')) return null;
  const t = token.slice(2);
  return LAYER_TYPES.has(t) ? t : null;
}

/** `e-sharpen-10` → (`e-sharpen`, `10`); `lx-N35` → (`lx`, `N35`); `e-grayscale` → flag. */
export function parseParam(token: string): Param {
  let cut = token.indexOf('-');
  if (cut > 0 && token.slice(0, cut) === 'e') cut = token.indexOf('-', cut + 1);
  if (cut < 0) return { kind: 'param', key: token, value: null };
  return { kind: 'param', key: token.slice(0, cut), value: token.slice(cut + 1) };
}

interface Token {
  text: string;
  /** The separator after the token: ',' ':' or '' at the end. */
  sep: string;
}

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = s[i];
    if (i === s.length || c === ',' || c === ':') {
      out.push({ text: s.slice(start, i), sep: i === s.length ? '' : c! });
      start = i + 1;
    }
  }
  return out;
}

/** Layers nest at most 3 deep on the remote; deeper openers still parse as layers up to this
 * bound, beyond it they stay plain parameters (as in sr-imagekit). */
const MAX_NESTING = 32;

/** For every layer opener, the index of the `l-end` that closes it (bracket matching). */
function layerEnds(tokens: Token[]): (number | null)[] {
  const ends: (number | null)[] = tokens.map(() => null);
  const open: number[] = [];
  tokens.forEach((t, j) => {
    if (layerType(t.text)) open.push(j);
    else if (t.text === 'l-end' && open.length > 0) ends[open.pop()!] = j;
  });
  return ends;
}

/**
 * Steps of `tokens[lo..hi)`, as sr-imagekit parses them: a layer is an opener with a `,` after it
 * and a `,` before its matching `l-end`; any other opener (unclosed, or cut by a `:`) is kept as
 * a plain parameter, so printing stays lossless.
 */
function parseSteps(tokens: Token[], ends: (number | null)[], lo: number, hi: number, nesting: number): Step[] {
  const steps: Step[] = [[]];
  let i = lo;
  while (i < hi) {
    const tok = tokens[i]!;
    const type = nesting < MAX_NESTING ? layerType(tok.text) : null;
    const end = ends[i] ?? null;
    const last = steps[steps.length - 1]!;
    if (type && end !== null && tok.sep === ',' && tokens[end - 1]!.sep === ',') {
      const inner = i + 1 === end ? [] : parseSteps(tokens, ends, i + 1, end, nesting + 1);
      last.push({ kind: 'layer', type, steps: inner, closed: true });
      i = end + 1;
    } else {
      last.push(parseParam(tok.text));
      i++;
    }
    if (i < hi && tokens[i - 1]!.sep === ':') steps.push([]);
  }
  return steps;
}

/** Parses any `tr`; never fails, and prints back as written. The empty string is no steps. */
export function parseTr(s: string): Tr {
  if (s === '') return [];
  const tokens = tokenize(s);
  return parseSteps(tokens, layerEnds(tokens), 0, tokens.length, 0);
}

function printItem(item: Item): string {
  if (item.kind === 'param') return item.value === null ? item.key : `${item.key}-${item.value}`;
  // As sr-imagekit prints it: the inner steps only when one has an item (`l-image,,l-end` keeps its
  // empty parameter), `l-end` unless a builder left the layer open.
  const inner = item.steps.some((st) => st.length > 0) ? `,${printSteps(item.steps)}` : '';
  return `l-${item.type}${inner}${item.closed ? ',l-end' : ''}`;
}

function printSteps(steps: Step[]): string {
  return steps.map((s) => s.map(printItem).join(',')).join(':');
}

export function printTr(tr: Tr): string {
  return printSteps(tr);
}

// ---- numbers -----------------------------------------------------------------------------

/** An ImageKit number: `N35` is -35. `null` for expressions and words. */
export function readNumber(v: string | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const neg = v.startsWith('N');
  const body = neg ? v.slice(1) : v;
  if (!/^\d+(\.\d+)?$/.test(body)) return null;
  const n = Number(body);
  return neg ? -n : n;
}

/** Writes a number the ImageKit way: `-35` → `N35`, at most 2 decimals, no trailing zeros. */
export function formatNumber(n: number): string {
  const r = Math.round(Math.abs(n) * 100) / 100;
  const s = String(r);
  return n < 0 && r !== 0 ? `N${s}` : s;
}

// ---- finding and editing parameters --------------------------------------------------------

function params(step: Step): Param[] {
  return step.filter((i): i is Param => i.kind === 'param');
}

function get(step: Step, key: string): Param | undefined {
  return params(step).find((p) => p.key === key);
}

function hasLayer(step: Step): boolean {
  return step.some((i) => i.kind === 'layer');
}

const SIZE_KEYS = ['w', 'h', 'ar', 'c', 'cm', 'x', 'y', 'xc', 'yc'];

function hasAny(step: Step, keys: string[]): boolean {
  return params(step).some((p) => keys.includes(p.key));
}

function clone(tr: Tr): Tr {
  return tr.map((s) => s.map((i) => (i.kind === 'param' ? { ...i } : { ...i, steps: clone(i.steps) })));
}

/** Sets `key` in `step` (replacing the first one in place, else appending); `null` removes it. */
function put(step: Step, key: string, value: string | null | undefined, flag = false): void {
  const at = step.findIndex((i) => i.kind === 'param' && i.key === key);
  if (value === null || value === undefined) {
    if (at >= 0) step.splice(at, 1);
    return;
  }
  const p: Param = { kind: 'param', key, value: flag ? null : value };
  if (at >= 0) step[at] = p;
  else step.push(p);
}

function dropEmpty(tr: Tr): Tr {
  return tr.filter((s) => s.length > 0);
}

function isCropStep(step: Step): boolean {
  const cm = get(step, 'cm')?.value;
  return (cm === 'extract' || cm === 'pad_extract') && (get(step, 'w') !== undefined || get(step, 'h') !== undefined);
}

function isResizeStep(step: Step): boolean {
  return !isCropStep(step) && !get(step, 'cm') && (get(step, 'w') !== undefined || get(step, 'h') !== undefined);
}

function stepWith(tr: Tr, key: string): number {
  return tr.findIndex((s) => get(s, key) !== undefined);
}

/** The step non-geometry settings (trim, quality, format, codecs) go to when they are new. */
function settingsStep(tr: Tr): number {
  const i = tr.findIndex((s) => !hasLayer(s));
  if (i >= 0) return i;
  tr.unshift([]);
  return 0;
}

// ---- what the controls show ---------------------------------------------------------------

export interface Crop {
  /** `null`: placed by `fo` (centred by default). */
  x: number | null;
  y: number | null;
  w: number;
  h: number;
}

export type Flip = 'h' | 'v' | 'h_v';

export const ANCHORS = [
  'top_left',
  'top',
  'top_right',
  'left',
  'center',
  'right',
  'bottom_left',
  'bottom',
  'bottom_right',
] as const;
export type Anchor = (typeof ANCHORS)[number];

/** The fonts the local preview bundles (crates/sr-media/fonts); `ff` value → label. */
export const FONTS: { value: string | null; label: string }[] = [
  { value: null, label: 'DejaVu Sans (default)' },
  { value: 'Open_Sans', label: 'Open Sans' },
  { value: 'Roboto', label: 'Roboto' },
];

interface MarkBase {
  /** `lfo`; ignored by the remote when `x`/`y` are set. */
  anchor: Anchor | null;
  /** `lx`/`ly` in output pixels (negative: from the right/bottom edge). */
  x: number | null;
  y: number | null;
}

export interface TextMark extends MarkBase {
  kind: 'text';
  text: string;
  fontSize: number | null;
  /** `ff` value, e.g. `Roboto`. */
  font: string | null;
  /** `RRGGBB` or `RRGGBBAA`. */
  color: string | null;
  background: string | null;
  padding: number | null;
}

export interface ImageMark extends MarkBase {
  kind: 'image';
  /** Media-library path, `/logos/brand.png`. */
  path: string;
  width: number | null;
  height: number | null;
  /** 0–100. */
  opacity: number | null;
}

export type Watermark = TextMark | ImageMark;

export interface Controls {
  crop: Crop | null;
  /** Output size (`w`/`h` of the resize step). */
  size: { w: number | null; h: number | null } | null;
  /** Clockwise degrees (`rt`); 0 when absent. */
  rotation: number;
  flip: Flip | null;
  trim: { start: number | null; end: number | null; duration: number | null };
  quality: number | null;
  format: string | null;
  videoCodec: string | null;
  audioCodec: string | null;
  watermark: Watermark | null;
}

function firstValue(tr: Tr, key: string): string | null {
  for (const s of tr) {
    const p = get(s, key);
    if (p) return p.value;
  }
  return null;
}

function findMark(tr: Tr): { step: number; index: number; layer: Layer } | null {
  for (let s = 0; s < tr.length; s++) {
    const step = tr[s]!;
    for (let i = 0; i < step.length; i++) {
      const it = step[i]!;
      if (it.kind === 'layer' && (it.type === 'text' || it.type === 'image')) return { step: s, index: i, layer: it };
    }
  }
  return null;
}

// base64 of UTF-8 text, both ways (what `ie-` carries).
function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function fromBase64(b64: string): string | null {
  try {
    const bin = atob(b64);
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

function decodeComponent(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** The text of a text layer from its `i`/`ie` (`ie` wins, as on the remote). */
function layerText(lp: Step): string {
  const ie = get(lp, 'ie')?.value;
  if (ie) {
    const t = fromBase64(decodeComponent(ie));
    if (t !== null) return t;
  }
  return decodeComponent(get(lp, 'i')?.value ?? '');
}

/** `i-<plain>` for letters, digits, space and `-._`, else `ie-<base64>` (the SDK's rule, §10.6). */
export function encodeText(text: string): Param {
  if (/^[a-zA-Z0-9\-._ ]*$/.test(text)) return { kind: 'param', key: 'i', value: encodeURIComponent(text) };
  return { kind: 'param', key: 'ie', value: encodeURIComponent(toBase64(text)) };
}

/** A media-library path as a layer input: `/logos/brand.png` → `i-logos@@brand.png`. */
export function encodePath(path: string): Param {
  const p = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (/^[a-zA-Z0-9\-._/ ]*$/.test(p)) return { kind: 'param', key: 'i', value: p.replace(/\//g, '@@') };
  return { kind: 'param', key: 'ie', value: encodeURIComponent(toBase64(p)) };
}

function layerPath(lp: Step): string {
  const ie = get(lp, 'ie')?.value;
  if (ie) {
    const t = fromBase64(decodeComponent(ie));
    if (t !== null) return `/${t}`;
  }
  return `/${(get(lp, 'i')?.value ?? '').replace(/@@/g, '/')}`;
}

function readMark(layer: Layer): Watermark {
  const lp = layer.steps[0] ?? [];
  const num = (k: string) => readNumber(get(lp, k)?.value);
  const anchor = get(lp, 'lfo')?.value ?? null;
  const base: MarkBase = {
    anchor: (ANCHORS as readonly string[]).includes(anchor ?? '') ? (anchor as Anchor) : null,
    x: num('lx'),
    y: num('ly'),
  };
  if (layer.type === 'text') {
    return {
      kind: 'text',
      ...base,
      text: layerText(lp),
      fontSize: num('fs'),
      font: get(lp, 'ff')?.value ?? null,
      color: get(lp, 'co')?.value ?? null,
      background: get(lp, 'bg')?.value ?? null,
      padding: num('pa'),
    };
  }
  return {
    kind: 'image',
    ...base,
    path: layerPath(lp),
    width: num('w'),
    height: num('h'),
    opacity: num('o'),
  };
}

export function readControls(tr: Tr): Controls {
  const cropStep = tr.find(isCropStep);
  const crop: Crop | null = cropStep
    ? {
        x: readNumber(get(cropStep, 'x')?.value),
        y: readNumber(get(cropStep, 'y')?.value),
        w: readNumber(get(cropStep, 'w')?.value) ?? 0,
        h: readNumber(get(cropStep, 'h')?.value) ?? 0,
      }
    : null;
  const sizeStep = tr.find(isResizeStep);
  const size = sizeStep
    ? { w: readNumber(get(sizeStep, 'w')?.value), h: readNumber(get(sizeStep, 'h')?.value) }
    : null;
  const rt = firstValue(tr, 'rt');
  const fl = firstValue(tr, 'fl');
  const mark = findMark(tr);
  return {
    crop,
    size,
    rotation: readNumber(rt) ?? 0,
    flip: fl === 'h' || fl === 'v' ? fl : fl === 'h_v' || fl === 'v_h' ? 'h_v' : null,
    trim: {
      start: readNumber(firstValue(tr, 'so')),
      end: readNumber(firstValue(tr, 'eo')),
      duration: readNumber(firstValue(tr, 'du')),
    },
    quality: readNumber(firstValue(tr, 'q')),
    format: firstValue(tr, 'f'),
    videoCodec: firstValue(tr, 'vc'),
    audioCodec: firstValue(tr, 'ac'),
    watermark: mark ? readMark(mark.layer) : null,
  };
}

// ---- what the controls write ----------------------------------------------------------------

/** Crop on the upright original: `cm-extract,x,y,w,h`, before any rotation. `null` removes it. */
export function setCrop(input: Tr, crop: Crop | null): Tr {
  const tr = clone(input);
  const at = tr.findIndex(isCropStep);
  if (crop === null) {
    if (at >= 0) for (const k of ['cm', 'x', 'y', 'xc', 'yc', 'w', 'h', 'fo']) put(tr[at]!, k, null);
    return dropEmpty(tr);
  }
  const values: [string, number | null][] = [
    ['x', crop.x],
    ['y', crop.y],
    ['w', crop.w],
    ['h', crop.h],
  ];
  const written = (v: number | null) => (v === null ? null : formatNumber(Math.round(v)));
  if (at < 0) {
    const first = tr[0];
    if (!first || hasAny(first, SIZE_KEYS) || hasLayer(first)) tr.unshift([]);
    // The crop goes first in its step: the planner crops, then rotates and flips.
    const block: Param[] = [{ kind: 'param', key: 'cm', value: 'extract' }];
    for (const [k, v] of values) if (v !== null) block.push({ kind: 'param', key: k, value: written(v) });
    tr[0]!.unshift(...block);
    return dropEmpty(tr);
  }
  const step = tr[at]!;
  put(step, 'cm', 'extract');
  put(step, 'xc', null);
  put(step, 'yc', null);
  for (const [k, v] of values) put(step, k, written(v));
  return dropEmpty(tr);
}

/** The step that rotation/flip go to when new: the crop's, else a first step without sizes. */
function orientationStep(tr: Tr): number {
  const crop = tr.findIndex(isCropStep);
  if (crop >= 0) return crop;
  const first = tr[0];
  if (first && !hasAny(first, SIZE_KEYS) && !hasLayer(first)) return 0;
  tr.unshift([]);
  return 0;
}

/**
 * Sets (or with `null` removes) `key` where the `tr` has it, else — if there is a value — in the
 * step `where` picks for it.
 */
function setParam(input: Tr, key: string, value: string | null, where: (tr: Tr) => number): Tr {
  const tr = clone(input);
  const at = stepWith(tr, key);
  if (at < 0 && value === null) return tr;
  put(tr[at >= 0 ? at : where(tr)]!, key, value);
  return dropEmpty(tr);
}

function setOrientation(input: Tr, key: 'rt' | 'fl', value: string | null): Tr {
  // Next to the other orientation parameter when there is one (rotate, then flip).
  return setParam(input, key, value, (tr) => {
    const other = stepWith(tr, key === 'rt' ? 'fl' : 'rt');
    return other >= 0 ? other : orientationStep(tr);
  });
}

/** Clockwise degrees; 0 removes `rt`. Negative angles are written `N…`. */
export function setRotation(tr: Tr, degrees: number): Tr {
  const d = ((Math.round(degrees * 100) / 100) % 360 + 360) % 360;
  return setOrientation(tr, 'rt', d === 0 ? null : formatNumber(d));
}

export function setFlip(tr: Tr, flip: Flip | null): Tr {
  return setOrientation(tr, 'fl', flip);
}

/** Turns by a quarter (90 or -90) from the current rotation. */
export function turn(tr: Tr, by: 90 | -90): Tr {
  return setRotation(tr, readControls(tr).rotation + by);
}

/** Toggles one flip axis, keeping the other. */
export function toggleFlip(tr: Tr, axis: 'h' | 'v'): Tr {
  const cur = readControls(tr).flip;
  const h = (cur === 'h' || cur === 'h_v') !== (axis === 'h');
  const v = (cur === 'v' || cur === 'h_v') !== (axis === 'v');
  return setFlip(tr, h && v ? 'h_v' : h ? 'h' : v ? 'v' : null);
}

/** Output size after crop and rotation (its own step); both `null` removes it. */
export function setSize(input: Tr, w: number | null, h: number | null): Tr {
  const tr = clone(input);
  let at = tr.findIndex(isResizeStep);
  if (w === null && h === null) {
    if (at >= 0) for (const k of ['w', 'h', 'c']) put(tr[at]!, k, null);
    return dropEmpty(tr);
  }
  if (at < 0) {
    // After the crop/rotation steps, before the watermark.
    const mark = findMark(tr);
    at = mark ? mark.step : tr.length;
    tr.splice(at, 0, []);
  }
  put(tr[at]!, 'w', w === null ? null : formatNumber(Math.round(w)));
  put(tr[at]!, 'h', h === null ? null : formatNumber(Math.round(h)));
  return dropEmpty(tr);
}

/** A setting whose place in the chain does not matter (trim, quality, format, codecs). */
export function setSetting(input: Tr, key: 'so' | 'eo' | 'du' | 'q' | 'f' | 'vc' | 'ac', value: string | null): Tr {
  return setParam(input, key, value, settingsStep);
}

/**
 * Trim to [start, end] seconds of the original (`so`, and `eo`, or `du` when the `tr` already
 * uses it). `null` ends remove them.
 */
export function setTrim(input: Tr, start: number | null, end: number | null): Tr {
  let tr = setSetting(input, 'so', start === null || start <= 0 ? null : formatNumber(start));
  if (stepWith(tr, 'du') >= 0 && stepWith(tr, 'eo') < 0) {
    const du = end === null ? null : formatNumber(Math.max(0, end - (start ?? 0)));
    return setSetting(tr, 'du', du);
  }
  tr = setSetting(tr, 'du', null);
  return setSetting(tr, 'eo', end === null ? null : formatNumber(end));
}

function markParams(mark: Watermark): Param[] {
  const out: Param[] = [];
  const add = (key: string, v: string | number | null | undefined) => {
    if (v === null || v === undefined || v === '') return;
    out.push({ kind: 'param', key, value: typeof v === 'number' ? formatNumber(v) : v });
  };
  if (mark.kind === 'text') {
    out.push(encodeText(mark.text));
    add('fs', mark.fontSize);
    add('ff', mark.font);
    add('co', mark.color);
    add('bg', mark.background);
    add('pa', mark.padding);
  } else {
    out.push(encodePath(mark.path));
    add('w', mark.width);
    add('h', mark.height);
    add('o', mark.opacity);
  }
  if (mark.x !== null || mark.y !== null) {
    add('lx', mark.x ?? 0);
    add('ly', mark.y ?? 0);
  } else {
    add('lfo', mark.anchor);
  }
  return out;
}

const MARK_KEYS = ['i', 'ie', 'fs', 'ff', 'co', 'bg', 'pa', 'w', 'h', 'o', 'lx', 'ly', 'lfo'];

/**
 * The watermark layer: replaced in place (its other parameters kept), added as the last step when
 * there is none, removed with `null`.
 */
export function setWatermark(input: Tr, mark: Watermark | null): Tr {
  const tr = clone(input);
  const found = findMark(tr);
  if (mark === null) {
    if (found) tr[found.step]!.splice(found.index, 1);
    return dropEmpty(tr);
  }
  const fresh = markParams(mark);
  if (found && found.layer.type === mark.kind) {
    const lp = found.layer.steps[0] ?? [];
    // Keep what the editor does not own (lso, leo, tg, …) after the parameters it writes.
    const kept = lp.filter((i) => i.kind === 'layer' || !MARK_KEYS.includes(i.key));
    found.layer.steps[0] = [...fresh, ...kept];
    return dropEmpty(tr);
  }
  const layer: Layer = { kind: 'layer', type: mark.kind, steps: [fresh], closed: true };
  if (found) tr[found.step]![found.index] = layer;
  else tr.push([layer]);
  return dropEmpty(tr);
}

/** Convenience: edit the string itself. */
export function edit(tr: string, f: (t: Tr) => Tr): string {
  return printTr(f(parseTr(tr)));
}
