// A merchandiser opens Stockroom, drops a folder of clips and photos, sees them with thumbnails,
// opens one and plays it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, makeMediaFolder, importPaths, screenshot, texts } from '../harness.mjs';

let session;
let folder;

before(async () => {
  folder = makeMediaFolder();
  session = await launch();
});

after(async () => {
  await session?.stop();
});

test('a fresh library shows the empty state', async () => {
  const { browser } = session;
  const empty = await browser.$('[data-testid="library-empty"]');
  await empty.waitForDisplayed({ timeout: 30_000 });
  await screenshot(browser, '01-empty-library');
});

test('importing a folder shows every clip and photo in the grid with thumbnails', async () => {
  const { browser } = session;
  const result = await importPaths(browser, [folder.shoot]);
  assert.ok(result.ok, `import failed: ${JSON.stringify(result.err)}`);
  assert.equal(result.ok.imported.length, folder.media, 'every media file is imported');
  assert.equal(result.ok.skipped.length, folder.junk, 'the text file and the empty file are skipped');
  for (const s of result.ok.skipped) assert.ok(s.reason.length > 10, `a plain reason for ${s.path}`);

  await browser.waitUntil(async () => (await browser.$$('[data-testid="asset-tile"]')).length === folder.media, {
    timeout: 30_000, timeoutMsg: 'the grid never showed the imported assets',
  });
  // Thumbnails for the two videos and two stills load over the loopback media server.
  await browser.waitUntil(async () => (await browser.$$('[data-testid="asset-thumb"]')).length === folder.media, {
    timeout: 60_000, timeoutMsg: 'thumbnails never appeared',
  });
  const names = await texts(browser, '[data-testid="asset-name"]');
  assert.ok(names.some((n) => n.includes('shoe #2 100%.mp4')), `odd names kept as they are: ${names}`);
  const progress = await browser.$('[data-testid="import-progress"]');
  assert.equal(await progress.getAttribute('data-skipped'), String(folder.junk));
  await screenshot(browser, '02-library-after-import');
});

test('opening a clip shows its media info and the player plays it', async () => {
  const { browser } = session;
  const names = await texts(browser, '[data-testid="asset-name"]');
  const index = names.findIndex((n) => n.includes('dress-red.mp4'));
  assert.ok(index >= 0, `the clip is in the grid: ${names}`);
  const tile = (await browser.$$('[data-testid="asset-tile"]'))[index];
  await tile.click();
  const detail = await browser.$('[data-testid="asset-detail"]');
  await detail.waitForDisplayed({ timeout: 10_000 });
  const [info] = await texts(browser, '[data-testid="asset-info"]');
  assert.match(info, /640\s*[×x]\s*360/, 'display dimensions shown');
  assert.match(info, /h264/i, 'codec shown');

  const player = await browser.$('[data-testid="asset-player"]');
  await player.waitForExist({ timeout: 10_000 });
  // Muted playback needs no audio device; then currentTime must advance.
  const started = await browser.executeAsync((done) => {
    const v = document.querySelector('[data-testid="asset-player"]');
    v.muted = true;
    v.play().then(() => done({ ok: true }), (e) => done({ ok: false, error: String(e), code: v.error && v.error.code }));
  });
  assert.ok(started.ok, `the video should start playing: ${JSON.stringify(started)}`);
  const t0 = await browser.execute(() => document.querySelector('[data-testid="asset-player"]').currentTime);
  await browser.waitUntil(
    async () => (await browser.execute(() => document.querySelector('[data-testid="asset-player"]').currentTime)) > t0 + 0.5,
    { timeout: 20_000, timeoutMsg: 'currentTime never advanced: the video did not play' },
  );
  await screenshot(browser, '03-detail-playing');
});
