// The preview studio on a real clip: a 1:1 crop, a quarter turn and a text watermark; the fast
// preview (HLS through hls.js) really plays, square; the URL carries the matching tr; the plan's
// output size is shown; full quality renders and plays too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, importPaths, replaceText, screenshot, texts } from '../harness.mjs';

let session;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stockroom-e2e-preview-'));
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25:d=6', '-f', 'lavfi',
    '-i', 'sine=f=440:d=6', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
    '-movflags', '+faststart', join(dir, 'dress-red.mp4')]);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=s=800x600', '-frames:v', '1',
    join(dir, 'tote-bag.jpg')]);
  session = await launch();
  const result = await importPaths(session.browser, [dir]);
  assert.equal(result.ok?.imported.length, 2, JSON.stringify(result));
});

after(async () => {
  await session?.stop();
});

/** The transformed <video>: its playback state, size and source. */
function previewState(browser) {
  return browser.execute(() => {
    const v = document.querySelector('[data-testid="studio-preview"]');
    if (!v) return null;
    return { t: v.currentTime, ready: v.readyState, w: v.videoWidth, h: v.videoHeight, paused: v.paused, src: v.dataset.src ?? '' };
  });
}

/** Clicks the asset's tile and opens the studio from its detail panel. */
async function openStudio(browser, name) {
  await browser.waitUntil(async () => (await browser.$$('[data-testid="asset-tile"]')).length === 2, { timeout: 30_000 });
  const names = await texts(browser, '[data-testid="asset-name"]');
  const tiles = await browser.$$('[data-testid="asset-tile"]');
  await tiles[names.findIndex((n) => n.includes(name))].click();
  const open = await browser.$('[data-testid="open-studio"]');
  await open.waitForClickable({ timeout: 10_000 });
  await open.click();
  const studio = await browser.$('[data-testid="preview-studio"]');
  await studio.waitForDisplayed({ timeout: 10_000 });
  return studio;
}

async function settledTr(browser) {
  // The tr in the field, once the render shown is of that very tr.
  let tr = '';
  await browser.waitUntil(async () => {
    tr = await browser.$('[data-testid="tr-input"]').getValue();
    const status = await browser.$('[data-testid="render-status"]');
    return (await status.getAttribute('data-tr')) === tr && (await status.getAttribute('data-state')) !== 'failed';
  }, { timeout: 60_000, timeoutMsg: 'the preview never caught up with the transformation' });
  return tr;
}

test('crop 1:1, rotate 90°, watermark: the fast preview plays square and the URL has the tr', async () => {
  const { browser } = session;
  await openStudio(browser, 'dress-red.mp4');
  // Untouched: the plan is the original size.
  const output = await browser.$('[data-testid="plan-output"]');
  await browser.waitUntil(async () => (await output.getAttribute('data-width')) === '640', { timeout: 30_000, timeoutMsg: 'no plan shown' });

  await browser.$('[data-testid="aspect-1-1"]').click();
  await browser.$('[data-testid="rotate-cw"]').click();
  await browser.$('[data-testid="wm-text"]').click();
  const text = await browser.$('[data-testid="wm-text-input"]');
  await replaceText(browser, text, 'SALE 30');
  await browser.$('[data-testid="wm-anchor-bottom_right"]').click();

  const tr = await settledTr(browser);
  assert.match(tr, /cm-extract,x-140,y-0,w-360,h-360/, tr);
  assert.match(tr, /rt-90/, tr);
  assert.match(tr, /l-text,i-SALE%2030,.*lfo-bottom_right,l-end/, tr);

  // The plan's output dimensions are shown.
  assert.equal(await output.getAttribute('data-width'), '360');
  assert.equal(await output.getAttribute('data-height'), '360');
  const [shown] = await texts(browser, '[data-testid="plan-output"]');
  assert.match(shown, /360 × 360/);

  // The delivery URL (sandbox) carries exactly that tr.
  const urlText = async () => (await texts(browser, '[data-testid="delivery-url"]'))[0];
  await browser.waitUntil(async () => (await urlText()).endsWith(`?tr=${tr}`), { timeout: 20_000, timeoutMsg: 'URL never showed the tr' });
  assert.match(await urlText(), /^http:\/\/127\.0\.0\.1:\d+\/.+\/dress-red\.mp4\?tr=/);

  // It plays: the HLS preview through hls.js, square.
  await browser.waitUntil(async () => ((await previewState(browser))?.src ?? '').endsWith('master.m3u8'), { timeout: 60_000, timeoutMsg: 'no fast preview' });
  const play = await browser.$('[data-testid="play-toggle"]');
  await play.waitForEnabled({ timeout: 30_000 });
  await play.click();
  let s;
  await browser.waitUntil(async () => {
    s = await previewState(browser);
    return s && s.ready >= 2 && s.t > 0.5;
  }, { timeout: 60_000, timeoutMsg: `the fast preview did not play: ${JSON.stringify(s)}` });
  assert.ok(s.w > 0 && s.w === s.h, `a square picture: ${s.w}×${s.h}`);
  const t1 = s.t;
  await browser.waitUntil(async () => (await previewState(browser)).t > t1 + 0.3 || (await previewState(browser)).paused, { timeout: 20_000 });
  // The original plays alongside.
  const orig = await browser.execute(() => document.querySelector('[data-testid="studio-original"]').currentTime);
  assert.ok(orig > 0, `the original moves with it (${orig})`);
  await screenshot(browser, '30-preview-studio-fast');

  // Full quality, one click: renders, then plays the mp4.
  await browser.$('[data-testid="render-full"]').click();
  await browser.waitUntil(async () => {
    const st = await browser.$('[data-testid="render-status"]');
    return (await st.getAttribute('data-mode')) === 'full' && (await st.getAttribute('data-state')) === 'ready';
  }, { timeout: 120_000, timeoutMsg: 'the full render never finished' });
  await browser.waitUntil(async () => ((await previewState(browser))?.src ?? '').endsWith('.mp4'), { timeout: 10_000 });
  await browser.waitUntil(async () => {
    s = await previewState(browser);
    return s.ready >= 2 && s.w === 360 && s.h === 360;
  }, { timeout: 30_000, timeoutMsg: `the full render did not load: ${JSON.stringify(s)}` });
  await screenshot(browser, '31-preview-studio-full');
});

test('a plan error is shown inline with the nearest valid setting, before any render', async () => {
  const { browser } = session;
  const input = await browser.$('[data-testid="tr-input"]');
  await replaceText(browser, input, 'rt-45');
  const err = await browser.$('[data-testid="plan-error"]');
  await err.waitForDisplayed({ timeout: 20_000 });
  // (While typing, "rt-" on its own is refused too; the message settles on the whole value.)
  await browser.waitUntil(async () => /videos rotate by 0\/90\/180\/270 only; use rt-(0|90)/.test(await err.getText()), {
    timeout: 20_000, timeoutMsg: 'the nearest quarter turn was never suggested',
  });
  assert.equal(await browser.$('[data-testid="render-status"]').getAttribute('data-state'), 'blocked');
  assert.equal(await previewState(browser), null, 'no stale picture stands in for a transformation that cannot be made');
  await screenshot(browser, '32-preview-studio-plan-error');
});

test('the streaming ladder: renditions, the exact ik-master URL, a local render that plays and switches', async () => {
  const { browser } = session;
  const input = await browser.$('[data-testid="tr-input"]');
  await replaceText(browser, input, 'rt-90');
  await browser.$('[data-testid="ladder-toggle"]').click();
  const panel = await browser.$('[data-testid="ladder-panel"]');
  await panel.waitForDisplayed({ timeout: 10_000 });
  // A 640×360 clip gets the renditions it fills; the turn carries over, sr comes last.
  const ladderUrl = async () => (await texts(browser, '[data-testid="ladder-url"]'))[0];
  await browser.waitUntil(async () => /\/dress-red\.mp4\/ik-master\.m3u8\?tr=rt-90:sr-240_360$/.test(await ladderUrl()), {
    timeout: 20_000, timeoutMsg: 'the ladder URL never showed rt-90:sr-240_360',
  });
  // Upright after the turn: each rendition fits its box without being enlarged.
  await browser.waitUntil(async () => (await browser.$$('[data-testid="ladder-plan-rung"]')).length === 2, { timeout: 20_000 });
  const planned = await browser.execute(() => [...document.querySelectorAll('[data-testid="ladder-plan-rung"]')].map((r) => [Number(r.dataset.width), Number(r.dataset.height)]));
  assert.deepEqual(planned.map(([, h]) => h), [240, 360], JSON.stringify(planned));
  assert.ok(planned.every(([w, h]) => w < h), `portrait renditions: ${JSON.stringify(planned)}`);

  await browser.$('[data-testid="ladder-render"]').click();
  const status = await browser.$('[data-testid="ladder-status"]');
  await browser.waitUntil(async () => (await status.getAttribute('data-state')) === 'ready', { timeout: 180_000, timeoutMsg: 'the ladder never finished rendering' });
  // hls.js read the real master: both renditions are in the menu.
  const menu = await browser.$('[data-testid="ladder-level"]');
  await browser.waitUntil(async () => (await menu.getAttribute('data-levels')) === '2', { timeout: 30_000, timeoutMsg: 'the master playlist did not list two renditions' });
  await menu.selectByAttribute('value', '0');
  await browser.$('[data-testid="ladder-play"]').click();
  const ladderVideo = () => browser.execute(() => {
    const v = document.querySelector('[data-testid="ladder-video"]');
    return v ? { t: v.currentTime, w: v.videoWidth, h: v.videoHeight } : null;
  });
  let v;
  await browser.waitUntil(async () => {
    v = await ladderVideo();
    return v && v.t > 0.5 && v.h === planned[0][1];
  }, { timeout: 60_000, timeoutMsg: `the 240p rendition did not play: ${JSON.stringify(v)}` });
  assert.equal(v.w, planned[0][0]);
  await screenshot(browser, '32b-streaming-ladder');
  // The 360p rendition, picked from the menu, plays at its own size.
  await browser.execute(() => document.querySelector('[data-testid="ladder-video"]').pause());
  await menu.selectByAttribute('value', '1');
  await browser.waitUntil(async () => {
    v = await ladderVideo();
    return v && v.h === planned[1][1];
  }, { timeout: 60_000, timeoutMsg: `the 360p rendition never showed: ${JSON.stringify(v)}` });
  await browser.$('[data-testid="ladder-toggle"]').click();
});

test('a DASH ladder plays through dash.js: a fixed rendition, then Auto under a bandwidth cap; the manifest inspected', async () => {
  const { browser } = session;
  // The studio still holds rt-90 from the test before: portrait renditions.
  await browser.$('[data-testid="ladder-toggle"]').click();
  await browser.$('[data-testid="ladder-panel"]').waitForDisplayed({ timeout: 10_000 });
  await browser.$('[data-testid="ladder-format-dash"]').click();
  await browser.waitUntil(async () => /\/dress-red\.mp4\/ik-master\.mpd\?tr=rt-90:sr-240_360$/.test((await texts(browser, '[data-testid="ladder-url"]'))[0]), {
    timeout: 20_000, timeoutMsg: 'the ladder URL never became the DASH one',
  });
  await browser.waitUntil(async () => (await browser.$$('[data-testid="ladder-plan-rung"]')).length === 2, { timeout: 20_000 });
  const planned = await browser.execute(() => [...document.querySelectorAll('[data-testid="ladder-plan-rung"]')].map((r) => [Number(r.dataset.width), Number(r.dataset.height)]));
  const render = await browser.$('[data-testid="ladder-render"]');
  await render.waitForEnabled({ timeout: 20_000 });
  await render.click();
  const status = await browser.$('[data-testid="ladder-status"]');
  await browser.waitUntil(async () => (await status.getAttribute('data-state')) === 'ready', { timeout: 180_000, timeoutMsg: 'the DASH ladder never finished rendering' });
  const player = await browser.$('[data-testid="ladder-player"]');
  await browser.waitUntil(async () => (await player.getAttribute('data-format')) === 'dash', { timeout: 10_000, timeoutMsg: 'no DASH player' });
  // dash.js read the real MPD: both representations are in the menu.
  const menu = await browser.$('[data-testid="ladder-level"]');
  await browser.waitUntil(async () => (await menu.getAttribute('data-levels')) === '2', { timeout: 30_000, timeoutMsg: 'dash.js did not list two representations' });
  const ladderVideo = () => browser.execute(() => {
    const v = document.querySelector('[data-testid="ladder-video"]');
    return v ? { t: v.currentTime, w: v.videoWidth, h: v.videoHeight, paused: v.paused, src: v.dataset.src } : null;
  });
  const playing = async () => (await browser.$('[data-testid="ladder-playing"]').getAttribute('data-height'));

  // Fixed on the top rendition: it plays at its own size and stays there.
  await menu.selectByAttribute('value', '1');
  await browser.waitUntil(async () => (await menu.getAttribute('data-levels')) === '2', { timeout: 30_000, timeoutMsg: 'the reloaded MPD lost its representations' });
  await browser.$('[data-testid="ladder-play"]').click();
  let v;
  await browser.waitUntil(async () => {
    v = await ladderVideo();
    return v && v.t > 0.5 && v.h === planned[1][1];
  }, { timeout: 60_000, timeoutMsg: `the fixed 360p representation did not play: ${JSON.stringify(v)}` });
  assert.ok(v.src.endsWith('ik-master.mpd'), v.src);
  assert.equal(v.w, planned[1][0]);
  await browser.waitUntil(async () => (await playing()) === String(planned[1][1]), { timeout: 20_000, timeoutMsg: 'the rendition on screen was not shown' });

  // Auto under a 300 kb/s cap: dash.js keeps to the rendition that fits, the lowest.
  await browser.execute(() => document.querySelector('[data-testid="ladder-video"]').pause());
  await menu.selectByAttribute('value', '-1');
  const cap = await browser.$('[data-testid="ladder-cap"]');
  await cap.waitForEnabled({ timeout: 10_000 });
  await cap.selectByAttribute('value', '300000');
  await browser.waitUntil(async () => (await menu.getAttribute('data-levels')) === '2', { timeout: 30_000 });
  await browser.$('[data-testid="ladder-play"]').click();
  await browser.waitUntil(async () => {
    v = await ladderVideo();
    return v && !v.paused && v.h === planned[0][1] && (await playing()) === String(planned[0][1]);
  }, { timeout: 60_000, timeoutMsg: `under the cap the lowest rendition should play: ${JSON.stringify(v)}` });
  const t0 = v.t;
  await browser.waitUntil(async () => (await ladderVideo()).t > t0 + 0.5, { timeout: 30_000, timeoutMsg: 'the capped stream did not keep playing' });
  assert.match(await browser.$('[data-testid="ladder-playing"]').getText(), /capped at 300 kb\/s/);

  // The manifest inspector: the MPD's two representations and its sound, with segments.
  await browser.$('[data-testid="manifest-toggle"]').click();
  await browser.waitUntil(async () => (await browser.$$('[data-testid="manifest-rendition"]')).length === 3, {
    timeout: 20_000, timeoutMsg: 'the inspector did not list 2 renditions and the sound',
  });
  const rows = await browser.execute(() => [...document.querySelectorAll('[data-testid="manifest-rendition"]')].map((r) => ({
    kind: r.dataset.kind, height: Number(r.dataset.height ?? 0), segments: Number(r.dataset.segments ?? 0),
  })));
  assert.deepEqual(rows.map((r) => r.kind), ['video', 'video', 'audio']);
  assert.deepEqual(rows.slice(0, 2).map((r) => r.height), planned.map(([, h]) => h));
  assert.ok(rows.every((r) => r.segments >= 3), `6 s in 2 s segments: ${JSON.stringify(rows)}`);
  await screenshot(browser, '32c-dash-ladder-capped');
  await browser.execute(() => document.querySelector('[data-testid="ladder-video"]').pause());
  await browser.$('[data-testid="ladder-toggle"]').click();
});

test('a photo: 4:5 crop, any angle, WebP; the still shows what the plan says', async () => {
  const { browser } = session;
  await browser.$('[data-testid="studio-close"]').click();
  await browser.waitUntil(async () => !(await browser.$('[data-testid="preview-studio"]').isExisting()), { timeout: 10_000 });
  await openStudio(browser, 'tote-bag.jpg');
  await browser.$('[data-testid="aspect-4-5"]').click();
  const angle = await browser.$('[data-testid="rotate-angle"]');
  await replaceText(browser, angle, '8');
  await browser.keys('Enter');
  await browser.$('[data-testid="out-format"]').selectByAttribute('value', 'webp');
  const tr = await settledTr(browser);
  assert.equal(tr, 'cm-extract,x-160,y-0,w-480,h-600,rt-8,f-webp');
  const output = await browser.$('[data-testid="plan-output"]');
  const [w, h] = [Number(await output.getAttribute('data-width')), Number(await output.getAttribute('data-height'))];
  assert.ok(w > 480 && h > 600, `an 8° turn grows the canvas: ${w}×${h}`);
  let img;
  await browser.waitUntil(async () => {
    img = await browser.execute(() => {
      const el = document.querySelector('[data-testid="studio-preview"]');
      return el && el.complete ? { w: el.naturalWidth, h: el.naturalHeight, src: el.getAttribute('src') } : null;
    });
    return img && img.w > 0 && img.src.endsWith('.webp');
  }, { timeout: 60_000, timeoutMsg: `the still never showed: ${JSON.stringify(img)}` });
  assert.deepEqual([img.w, img.h], [w, h], 'the still has the planned size');
  await screenshot(browser, '33-preview-studio-photo');
});

test('save the photo set-up as a channel preset, apply it to the whole selection, see each URL', async () => {
  const { browser } = session;
  await browser.$('[data-testid="preset-save-open"]').click();
  const name = await browser.$('[data-testid="preset-name"]');
  await name.setValue('Instagram 4:5');
  await browser.$('[data-testid="preset-save"]').click();
  await browser.waitUntil(async () => (await texts(browser, '[data-testid="toast"]')).some((t) => t.includes('Saved preset "Instagram 4:5"')), {
    timeout: 10_000, timeoutMsg: 'no confirmation that the preset was saved',
  });
  await browser.$('[data-testid="studio-close"]').click();

  // The photo's detail panel lists the preset with its delivery URL.
  const row = await browser.$('[data-testid="asset-preset"][data-preset="Instagram 4:5"]');
  await row.waitForDisplayed({ timeout: 10_000 });
  const [url] = await texts(browser, '[data-testid="asset-preset-url"]');
  assert.match(url, /\/tote-bag\.jpg\?tr=cm-extract,x-160,y-0,w-480,h-600,rt-8,f-webp$/);

  // Both assets selected: apply from the selection bar's Presets menu.
  await browser.execute(() => document.querySelector('[data-testid="asset-grid"]').focus());
  await browser.keys(['Control', 'a']);
  await browser.waitUntil(async () => (await browser.$('[data-testid="selection-count"]').getAttribute('data-count')) === '2', { timeout: 10_000 });
  await browser.$('[data-testid="presets-button"]').click();
  const apply = await browser.$('[data-testid="preset-apply"][data-preset="Instagram 4:5"]');
  await apply.waitForClickable({ timeout: 10_000 });
  await screenshot(browser, '34-presets-menu');
  await apply.click();
  await browser.waitUntil(async () => (await texts(browser, '[data-testid="toast"]')).some((t) => t.includes('Applied "Instagram 4:5" to 2 assets (1 had it already)')), {
    timeout: 10_000, timeoutMsg: 'no confirmation that the preset was applied',
  });
  const urls = await browser.executeAsync((done) => {
    window.__TAURI_INTERNALS__.invoke('preset_urls', { ids: [1, 2], sign: false }).then((u) => done(u.map((x) => x.url)), (e) => done(e));
  });
  assert.equal(urls.length, 2, JSON.stringify(urls));
  assert.ok(urls.some((u) => u.includes('/dress-red.mp4?tr=cm-extract,x-160')), JSON.stringify(urls));

  // One asset again: its panel shows the URL, copyable.
  const tiles = await browser.$$('[data-testid="asset-tile"]');
  const names = await texts(browser, '[data-testid="asset-name"]');
  await tiles[names.findIndex((n) => n.includes('dress-red.mp4'))].click();
  await browser.$('[data-testid="asset-preset"][data-preset="Instagram 4:5"]').waitForDisplayed({ timeout: 10_000 });
  // The photo's pixel crop (480×600) does not fit the 640×360 clip: the panel says so.
  const problem = await browser.$('[data-testid="asset-preset-problem"]');
  await problem.waitForDisplayed({ timeout: 20_000 });
  assert.match(await problem.getText(), /outside the 640×360 picture/);
  await screenshot(browser, '35-detail-panel-presets');
});
