// A merchandiser watches a delivery folder: what lands in it comes into the library by itself with
// the folder's tag, a half-downloaded file waits in "Waiting and skipped" with its reason, and what
// another Stockroom process (the CLI) imports into the same library shows up without a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { app, launch, screenshot, texts } from '../harness.mjs';

let session;
let watched;
let sources;

function ffmpeg(args) {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: 'inherit' });
}

/** The CLI built beside the app (`cargo build` / `cargo test --workspace` make both). */
function cli() {
  const bin = process.env.STOCKROOM_CLI ?? join(dirname(app()), 'stockroom');
  if (!existsSync(bin)) throw new Error(`The stockroom CLI is not at ${bin}: build it (cargo build -p sr-cli) or set STOCKROOM_CLI.`);
  return bin;
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
        status: t.querySelector('[data-testid="asset-status"]')?.getAttribute('data-status') ?? null,
      };
    },
    name,
  );

before(async () => {
  sources = mkdtempSync(join(tmpdir(), 'stockroom-e2e-sources-'));
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25:d=4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p',
    '-movflags', '+faststart', join(sources, 'delivery-look-01.mp4')]);
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=480x270:r=25:d=3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p',
    '-movflags', '+faststart', join(sources, 'from-the-terminal.mp4')]);
  ffmpeg(['-f', 'lavfi', '-i', 'smptebars=s=640x360:r=25:d=3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p',
    '-movflags', '+faststart', join(sources, 'half-downloaded.mp4')]);
  watched = join(mkdtempSync(join(tmpdir(), 'stockroom-e2e-watched-')), 'Agency delivery');
  mkdirSync(watched, { recursive: true });
  session = await launch();
});

after(async () => {
  await session?.stop();
});

test('a folder added in Settings with a default tag: a video copied into it appears in the grid with its tag', async () => {
  const { browser } = session;
  await (await browser.$('[data-testid="library-empty"]')).waitForDisplayed({ timeout: 30_000 });
  // Nothing is watched yet: no chip in the top bar.
  assert.equal(await browser.$('[data-testid="watch-chip"]').isExisting(), false, 'no chip while nothing is watched');

  await browser.$('[data-testid="settings-button"]').click();
  await (await browser.$('[data-testid="settings-watch"]')).waitForDisplayed({ timeout: 10_000 });
  await browser.$('[data-testid="watch-add-open"]').click();
  await browser.$('[data-testid="watch-path-input"]').addValue(watched);
  await browser.$('[data-testid="watch-tags-input"]').addValue('agency-drop');
  await screenshot(browser, 'watch-01-settings-form');
  await browser.$('[data-testid="watch-add"]').click();
  await browser.waitUntil(
    async () => (await browser.$$(`[data-testid="watch-folder"][data-path="${watched}"]`)).length === 1,
    { timeout: 30_000, timeoutMsg: 'the watched folder never appeared in Settings' },
  );
  const row = await browser.$(`[data-testid="watch-folder"][data-path="${watched}"]`);
  assert.deepEqual(await texts(browser, '[data-testid="watch-folder"] [data-testid="watch-tag"]'), ['agency-drop']);
  await row.scrollIntoView();
  await screenshot(browser, 'watch-02-settings-list');
  await browser.$('[data-testid="settings-close"]').click();

  const chip = await browser.$('[data-testid="watch-chip"]');
  await chip.waitForDisplayed({ timeout: 20_000 });
  assert.match((await texts(browser, '[data-testid="watch-chip"]'))[0], /Watching 1 folder/);

  copyFileSync(join(sources, 'delivery-look-01.mp4'), join(watched, 'delivery-look-01.mp4'));
  await browser.waitUntil(
    async () => {
      const t = await tileNamed(browser, 'delivery-look-01.mp4');
      return t !== null && t.tags.includes('agency-drop');
    },
    { timeout: 60_000, interval: 250, timeoutMsg: 'the copied video never appeared in the grid with the folder’s tag' },
  );
  await screenshot(browser, 'watch-03-ingested-with-tag');
});

test('a .part file waits in "Waiting and skipped" with its reason in words', async () => {
  const { browser } = session;
  const part = join(watched, 'half-downloaded.mp4.part');
  // A browser download in progress: a temporary name with half the bytes.
  const full = readFileSync(join(sources, 'half-downloaded.mp4'));
  writeFileSync(part, full.subarray(0, Math.floor(full.length / 2)));
  const chip = await browser.$('[data-testid="watch-chip"]');
  await browser.waitUntil(async () => Number(await chip.getAttribute('data-waiting')) + Number(await chip.getAttribute('data-skipped')) >= 1, {
    timeout: 60_000, interval: 250, timeoutMsg: 'the chip never counted the .part file',
  });
  await chip.click();
  const panel = await browser.$('[data-testid="ledger-panel"]');
  await panel.waitForDisplayed({ timeout: 10_000 });
  const rowSel = `[data-testid="ledger-row"][data-path="${part}"]`;
  await browser.waitUntil(async () => (await browser.$$(rowSel)).length === 1, {
    timeout: 30_000, interval: 250, timeoutMsg: 'the .part file is not in the ledger',
  });
  const row = await browser.$(rowSel);
  assert.equal(await row.getAttribute('data-reason'), 'temporary_name');
  assert.equal(await row.getAttribute('data-state'), 'waiting');
  const [message] = await texts(browser, `${rowSel} [data-testid="ledger-message"]`);
  assert.ok(message.length > 15, `a reason in words: "${message}"`);
  assert.deepEqual(await texts(browser, `${rowSel} [data-testid="ledger-name"]`), ['half-downloaded.mp4.part']);
  await screenshot(browser, 'watch-04-ledger-part-file');
  await browser.$('[data-testid="ledger-close"]').click();
  await panel.waitForExist({ reverse: true, timeout: 10_000 });

  // The download finishes: renamed to its real name, it comes in once and leaves the ledger.
  writeFileSync(part, full);
  renameSync(part, join(watched, 'half-downloaded.mp4'));
  await browser.waitUntil(async () => (await tileNamed(browser, 'half-downloaded.mp4')) !== null, {
    timeout: 60_000, interval: 250, timeoutMsg: 'the renamed download never came in',
  });
  await browser.waitUntil(async () => Number(await chip.getAttribute('data-waiting')) === 0, {
    timeout: 30_000, interval: 250, timeoutMsg: 'the renamed file stayed in the ledger',
  });
  const names = await texts(browser, '[data-testid="asset-name"]');
  assert.equal(names.filter((n) => n === 'half-downloaded.mp4').length, 1, `ingested once: ${names}`);
});

test('a file imported by the CLI into the same library appears while the app is open', async () => {
  const { browser, library } = session;
  const before = Number(await browser.$('[data-testid="asset-count"]').getAttribute('data-count'));
  execFileSync(cli(), ['--library', library, 'import', join(sources, 'from-the-terminal.mp4')], {
    stdio: 'inherit', timeout: 120_000,
  });
  await browser.waitUntil(async () => (await tileNamed(browser, 'from-the-terminal.mp4')) !== null, {
    timeout: 20_000, interval: 250, timeoutMsg: 'the CLI’s import never showed in the open app',
  });
  await browser.waitUntil(
    async () => Number(await browser.$('[data-testid="asset-count"]').getAttribute('data-count')) === before + 1,
    { timeout: 10_000, timeoutMsg: 'the asset count did not follow the CLI’s import' },
  );
  await screenshot(browser, 'watch-05-cli-import-live');
});

test('a watched file deleted from disk marks its asset missing, and nothing is deleted from the library', async () => {
  const { browser } = session;
  const before = await tileNamed(browser, 'delivery-look-01.mp4');
  rmSync(join(watched, 'delivery-look-01.mp4'));
  await browser.waitUntil(async () => (await tileNamed(browser, 'delivery-look-01.mp4'))?.status === 'missing', {
    timeout: 60_000, interval: 250, timeoutMsg: 'the deleted file’s asset was never marked missing',
  });
  const after = await tileNamed(browser, 'delivery-look-01.mp4');
  assert.equal(after.id, before.id, 'the same asset, kept');
  assert.deepEqual(after.tags, ['agency-drop'], 'with its tag');
  await screenshot(browser, 'watch-06-missing-badge');
});
