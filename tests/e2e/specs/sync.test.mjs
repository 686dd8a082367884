// Two-way sync in the real app, against its own sandbox media library. A colleague works on the
// media library directly (raw HTTP against the sandbox's API with the library's sandbox keys, as
// the web dashboard or an SDK would): their files come in as remote-only assets with the remote's
// thumbnail, a tag they add appears after Sync, and a metadata field both sides changed shows in
// the conflict view, where Take theirs resolves it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { app, launch, screenshot, texts } from '../harness.mjs';

let session;
let sandbox; // { api, upload, auth }
let sources;
const files = {}; // name -> remote fileId

function ffmpeg(args) {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: 'inherit' });
}

/** The CLI built beside the app, or $STOCKROOM_CLI. */
function cli() {
  const bin = process.env.STOCKROOM_CLI ?? join(dirname(app()), 'stockroom');
  if (!existsSync(bin)) throw new Error(`The stockroom CLI is not at ${bin}: build it (cargo build -p sr-cli) or set STOCKROOM_CLI.`);
  return bin;
}

/** One call to the sandbox's API as a colleague's script would make it (Basic auth, private key). */
async function remoteCall(method, path, body, base = sandbox.api) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: sandbox.auth, ...(body instanceof FormData ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

async function uploadToRemote(file) {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(file)]), basename(file));
  form.append('fileName', basename(file));
  form.append('folder', '/team/');
  form.append('useUniqueFileName', 'false');
  const r = await remoteCall('POST', '/api/v1/files/upload', form, sandbox.upload);
  files[basename(file)] = r.fileId;
  return r.fileId;
}

const tileNamed = (browser, name) =>
  browser.execute(
    (n) => {
      const t = [...document.querySelectorAll('[data-testid="asset-tile"]')].find(
        (e) => e.querySelector('[data-testid="asset-name"]')?.textContent === n,
      );
      if (!t) return null;
      return {
        id: t.getAttribute('data-asset-id'),
        tags: [...t.querySelectorAll('[data-testid="asset-tag"]')].map((b) => b.textContent),
        sync: t.querySelector('[data-testid="asset-sync"]')?.getAttribute('data-sync') ?? null,
        thumb: t.querySelector('[data-testid="asset-thumb"]')?.getAttribute('src') ?? null,
        thumbSize: (() => {
          const img = t.querySelector('[data-testid="asset-thumb"]');
          return img ? [img.naturalWidth, img.naturalHeight] : null;
        })(),
      };
    },
    name,
  );

/** Presses Sync and waits for the run to finish ("Synced just now" under the button). */
async function syncNow(browser, label) {
  const button = await browser.$('[data-testid="sync-button"]');
  await browser.waitUntil(async () => (await button.getAttribute('data-running')) === 'false' && (await button.isEnabled()), {
    timeout: 60_000, interval: 250, timeoutMsg: `${label}: the Sync button never became ready`,
  });
  // Each finished run has a new id: wait for one newer than the last (not on the old line).
  const lastRun = await button.getAttribute('data-last-run');
  await button.click();
  await browser.waitUntil(
    async () => {
      const running = await button.getAttribute('data-running');
      const run = await button.getAttribute('data-last-run');
      const [line] = await texts(browser, '[data-testid="sync-last"]');
      return running === 'false' && run !== lastRun && /^Synced (just now|\d+ min ago)/.test(line ?? '');
    },
    { timeout: 120_000, interval: 250, timeoutMsg: `${label}: the sync never finished with "Synced just now"` },
  );
}

before(async () => {
  sources = mkdtempSync(join(tmpdir(), 'stockroom-e2e-sync-'));
  ffmpeg(['-f', 'lavfi', '-i', 'mandelbrot=s=800x600', '-frames:v', '1', join(sources, 'team-lookbook.jpg')]);
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=640x480', '-frames:v', '1', join(sources, 'team-dress.jpg')]);
  // Only the runs this spec asks for: no periodic run (it would start 30 s after opening) to race
  // the edits between them. Set with the CLI before the app opens the library.
  const lib = mkdtempSync(join(tmpdir(), 'stockroom-lib-sync-'));
  execFileSync(cli(), ['--library', lib, 'sync', 'settings', '--interval-minutes', '0'], { stdio: 'inherit' });
  session = await launch({ library: lib });
  const { browser, library } = session;
  await (await browser.$('[data-testid="library-empty"]')).waitForDisplayed({ timeout: 30_000 });
  await browser.waitUntil(() => browser.execute(() => Boolean(window.__stockroom?.remoteInfo)), {
    timeout: 30_000, timeoutMsg: 'the app never exposed its test hooks',
  });
  const info = await browser.executeAsync((done) => {
    window.__stockroom.remoteInfo().then((r) => done({ ok: r }), (e) => done({ err: e }));
  });
  assert.ok(info.ok, `remote_info failed: ${JSON.stringify(info.err)}`);
  assert.equal(info.ok.kind, 'sandbox');
  const keys = JSON.parse(readFileSync(join(library, 'sandbox', 'keys.json'), 'utf8'));
  sandbox = {
    api: info.ok.api_base.replace(/\/$/, ''),
    upload: info.ok.upload_base.replace(/\/$/, ''),
    auth: `Basic ${Buffer.from(`${keys.private_key}:`).toString('base64')}`,
  };
});

after(async () => {
  await session?.stop();
});

test('files a colleague put on the media library come in as remote-only tiles with the remote thumbnail', async () => {
  const { browser } = session;
  await uploadToRemote(join(sources, 'team-lookbook.jpg'));
  await uploadToRemote(join(sources, 'team-dress.jpg'));
  await syncNow(browser, 'first sync');
  await browser.waitUntil(
    async () => {
      const t = await tileNamed(browser, 'team-lookbook.jpg');
      return t !== null && t.sync === 'remote_only' && t.thumb !== null && t.thumbSize?.[0] > 0;
    },
    { timeout: 60_000, interval: 250, timeoutMsg: 'the remote-only file never showed its remote thumbnail' },
  );
  const t = await tileNamed(browser, 'team-lookbook.jpg');
  assert.ok(t.thumbSize[0] > 0 && t.thumbSize[1] > 0, `a decoded thumbnail: ${JSON.stringify(t)}`);
  await screenshot(browser, 'sync-01-remote-only-tiles');

  // The detail panel says where it lives and offers the original.
  await browser.$(`[data-testid="asset-tile"][data-asset-id="${t.id}"]`).click();
  const line = await browser.$('[data-testid="asset-sync-line"]');
  await line.waitForDisplayed({ timeout: 20_000 });
  assert.equal(await line.getAttribute('data-sync'), 'remote_only');
  assert.ok(await browser.$('[data-testid="download-original"]').isDisplayed(), 'Download original is offered');
  await screenshot(browser, 'sync-02-remote-only-detail');
});

test('a tag added through the API appears after Sync', async () => {
  const { browser } = session;
  const before = await tileNamed(browser, 'team-dress.jpg');
  assert.ok(before, 'the colleague’s file is in the grid');
  assert.ok(!before.tags.includes('summer-sale'), `no tag yet: ${JSON.stringify(before)}`);
  await remoteCall('POST', '/v1/files/addTags', { fileIds: [files['team-dress.jpg']], tags: ['summer-sale'] });
  await syncNow(browser, 'sync after the tag');
  await browser.waitUntil(async () => (await tileNamed(browser, 'team-dress.jpg'))?.tags.includes('summer-sale'), {
    timeout: 60_000, interval: 250, timeoutMsg: 'the tag added on the media library never appeared on the tile',
  });
  await screenshot(browser, 'sync-03-tag-from-the-api');
});

test('the same metadata field edited on both sides is a conflict, and Take theirs resolves it', async () => {
  const { browser, library } = session;
  const tile = await tileNamed(browser, 'team-dress.jpg');
  // Here (another Stockroom process on this library: the CLI) and there (the API), differently.
  execFileSync(cli(), ['--library', library, 'meta', 'set', tile.id, 'sku=DRS-HERE-01'], { stdio: 'inherit' });
  await remoteCall('PATCH', `/v1/files/${files['team-dress.jpg']}/details`, { customMetadata: { sku: 'DRS-THERE-02' } });
  await syncNow(browser, 'sync with both sides edited');

  const badge = await browser.$('[data-testid="conflict-badge"]');
  await badge.waitForDisplayed({ timeout: 60_000 });
  assert.equal(await badge.getAttribute('data-count'), '1');
  await badge.click();
  const panel = await browser.$('[data-testid="conflict-panel"]');
  await panel.waitForDisplayed({ timeout: 20_000 });
  const rowSel = `[data-testid="conflict-row"][data-asset-id="${tile.id}"]`;
  await browser.waitUntil(async () => (await browser.$$(rowSel)).length === 1, {
    timeout: 30_000, interval: 250, timeoutMsg: 'the conflict is not listed',
  });
  assert.deepEqual(await texts(browser, `${rowSel} [data-testid="conflict-mine-value"]`), ['DRS-HERE-01']);
  assert.deepEqual(await texts(browser, `${rowSel} [data-testid="conflict-theirs-value"]`), ['DRS-THERE-02']);
  const [label] = await texts(browser, `${rowSel} [data-testid="conflict-label"]`);
  assert.match(label, /SKU|sku/);
  await screenshot(browser, 'sync-04-conflict-view');

  await browser.$(`${rowSel} [data-testid="conflict-theirs"]`).click();
  await (await browser.$('[data-testid="conflicts-empty"]')).waitForDisplayed({ timeout: 30_000 });
  await screenshot(browser, 'sync-05-conflict-resolved');
  await browser.$('[data-testid="conflicts-close"]').click();
  await panel.waitForExist({ reverse: true, timeout: 10_000 });
  await badge.waitForExist({ reverse: true, timeout: 20_000 });

  // Theirs is the library's value now, and the next sync leaves the media library's alone.
  const shown = execFileSync(cli(), ['--library', library, '--json', 'meta', 'show', tile.id], { encoding: 'utf8' });
  assert.match(shown, /DRS-THERE-02/, `the library took theirs: ${shown}`);
  await syncNow(browser, 'sync after resolving');
  const details = await remoteCall('GET', `/v1/files/${files['team-dress.jpg']}/details`);
  assert.equal(details.customMetadata?.sku, 'DRS-THERE-02');
});

test('Settings has a Sync section with the interval set to 0 (only on demand)', async () => {
  const { browser } = session;
  await browser.$('[data-testid="settings-button"]').click();
  const section = await browser.$('[data-testid="settings-sync"]');
  await section.waitForDisplayed({ timeout: 20_000 });
  const interval = await browser.$('[data-testid="settings-sync-interval"]');
  await browser.waitUntil(async () => (await interval.getValue()) === '0', {
    timeout: 20_000, interval: 250, timeoutMsg: 'the Sync section never showed the interval the CLI set',
  });
  await section.scrollIntoView();
  await screenshot(browser, 'sync-08-settings');
  await browser.$('[data-testid="settings-close"]').click();
  await browser.$('[data-testid="settings-panel"]').waitForExist({ reverse: true, timeout: 10_000 });
});

test('Review changes and the history of runs show what happened', async () => {
  const { browser } = session;
  await remoteCall('POST', '/v1/files/addTags', { fileIds: [files['team-lookbook.jpg']], tags: ['lookbook'] });
  await browser.$('[data-testid="sync-menu"]').click();
  await browser.$('[data-testid="sync-review-open"]').click();
  const panel = await browser.$('[data-testid="review-panel"]');
  await panel.waitForDisplayed({ timeout: 20_000 });
  await browser.waitUntil(async () => (await browser.$$('[data-testid="review-side-local"] [data-testid="review-op"]')).length >= 1, {
    timeout: 60_000, interval: 250, timeoutMsg: 'the dry run listed no change on this computer',
  });
  const ops = await texts(browser, '[data-testid="review-side-local"] [data-testid="review-op"]');
  assert.ok(ops.some((o) => o.includes('lookbook')), `the tag is listed: ${ops}`);
  await screenshot(browser, 'sync-06-review-changes');
  await browser.$('[data-testid="review-sync-now"]').click();
  await (await browser.$('[data-testid="review-result"]')).waitForDisplayed({ timeout: 120_000 });
  await browser.$('[data-testid="review-done"]').click();
  await panel.waitForExist({ reverse: true, timeout: 10_000 });
  await browser.waitUntil(async () => (await tileNamed(browser, 'team-lookbook.jpg'))?.tags.includes('lookbook'), {
    timeout: 60_000, interval: 250, timeoutMsg: 'Sync now from the review did not bring the tag',
  });

  await browser.$('[data-testid="sync-menu"]').click();
  await browser.$('[data-testid="sync-history-open"]').click();
  const history = await browser.$('[data-testid="history-panel"]');
  await history.waitForDisplayed({ timeout: 20_000 });
  await browser.waitUntil(async () => (await browser.$$('[data-testid="history-run"]')).length >= 5, {
    timeout: 30_000, interval: 250, timeoutMsg: 'the history does not list every run',
  });
  await screenshot(browser, 'sync-07-history');
  await browser.$('[data-testid="history-close"]').click();
});

test('Download original makes a remote-only file local, in the library folder', async () => {
  const { browser, library } = session;
  const t = await tileNamed(browser, 'team-lookbook.jpg');
  await browser.$(`[data-testid="asset-tile"][data-asset-id="${t.id}"]`).click();
  const detail = await browser.$(`[data-testid="asset-detail"][data-asset-id="${t.id}"]`);
  await detail.waitForDisplayed({ timeout: 20_000 });
  const button = await browser.$('[data-testid="download-original"]');
  await button.waitForDisplayed({ timeout: 20_000 });
  await button.click();
  await browser.waitUntil(
    async () => {
      const line = await browser.$('[data-testid="asset-sync-line"]');
      return (await line.isExisting()) && (await line.getAttribute('data-sync')) !== 'remote_only' && !(await browser.$('[data-testid="download-original"]').isExisting());
    },
    { timeout: 60_000, interval: 250, timeoutMsg: 'the downloaded file never became a local asset' },
  );
  await (await browser.$('[data-testid="asset-player"]')).waitForDisplayed({ timeout: 30_000 });
  const original = join(library, 'originals', `${files['team-lookbook.jpg']}-team-lookbook.jpg`);
  assert.ok(existsSync(original), `the original is at ${original}`);
  await screenshot(browser, 'sync-09-downloaded-original');
});
