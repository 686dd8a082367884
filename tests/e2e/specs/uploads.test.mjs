// Publishing from the UI: progress moves, pause and resume work, a failed job says why and can be
// retried once the cause is fixed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, importPaths, screenshot } from '../harness.mjs';

let session;
let dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stockroom-e2e-upload-'));
  // ~6 MB of hard-to-compress video, so a 1 MB/s limit makes progress visible.
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=25:d=6', '-f', 'lavfi',
    '-i', 'anoisesrc=d=6', '-vf', 'noise=alls=60:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '8M',
    '-c:a', 'aac', '-shortest', join(dir, 'lookbook.mp4')]);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=teal:s=640x480', '-frames:v', '1',
    join(dir, 'swatch.jpg')]);
  session = await launch();
  const result = await importPaths(session.browser, [dir]);
  assert.equal(result.ok?.imported.length, 2, JSON.stringify(result));
  // One upload at a time, at 500 kB/s (what a merchandiser on a train gets): ~12 s for the clip, so
  // a slow CI machine still has time to see it running and pause it before it ends.
  const settings = await session.browser.executeAsync((done) => {
    window.__TAURI_INTERNALS__.invoke('set_upload_settings', { settings: { concurrency: 1, bandwidth_limit_bytes_per_sec: 500_000 } })
      .then((s) => done({ ok: s }), (e) => done({ err: e }));
  });
  assert.ok(settings.ok, JSON.stringify(settings));
});

after(async () => {
  await session?.stop();
});


async function rowFor(browser, assetId) {
  return browser.$(`[data-testid="queue-row"][data-asset-id="${assetId}"]`);
}

async function percent(el) {
  const bar = await el.$('[data-testid="queue-progress"]');
  return Number(await bar.getAttribute('aria-valuenow'));
}

test('publish two assets: progress moves, pause/resume, a vanished file fails with a reason and retries', async () => {
  const { browser } = session;
  await browser.waitUntil(async () => (await browser.$$('[data-testid="asset-tile"]')).length === 2, { timeout: 30_000 });
  const ids = await browser.$$('[data-testid="asset-tile"]').map((t) => t.getAttribute('data-asset-id'));
  const names = await browser.execute(() => [...document.querySelectorAll('[data-testid="asset-name"]')].map((e) => e.textContent));
  const videoId = ids[names.findIndex((n) => n.includes('lookbook'))];
  const photoId = ids[names.findIndex((n) => n.includes('swatch'))];

  // The photo vanishes from disk after import: its upload must fail with a reason, not send wrong bytes.
  renameSync(join(dir, 'swatch.jpg'), join(dir, 'swatch.jpg.away'));

  await browser.keys(['Control', 'a']);
  await browser.waitUntil(async () => (await browser.$('[data-testid="selection-count"]').getAttribute('data-count')) === '2', { timeout: 10_000 });
  await browser.$('[data-testid="publish-button"]').click();
  // The Publish dialog: nothing extra asked for, so it publishes as it is.
  const confirm = await browser.$('[data-testid="publish-confirm"]');
  await confirm.waitForEnabled({ timeout: 10_000 });
  await confirm.click();
  // Publishing opens the queue.
  await (await browser.$('[data-testid="queue-panel"]')).waitForDisplayed({ timeout: 10_000 });

  const video = await rowFor(browser, videoId);
  await video.waitForExist({ timeout: 20_000 });
  await browser.waitUntil(async () => (await percent(video)) > 0, { timeout: 60_000, timeoutMsg: 'the upload never started' });
  const p1 = await percent(video);
  assert.ok(p1 < 100, `at 500 kB/s the upload should still be running (at ${p1}%)`);
  await browser.waitUntil(async () => (await percent(video)) > p1, { timeout: 30_000, timeoutMsg: 'the progress bar did not move' });

  // Pause while it is surely still running (the screenshot waits until after): the job stops;
  // resume: it goes on to the end.
  await video.$('[data-testid="queue-pause"]').click();
  await browser.waitUntil(async () => (await video.getAttribute('data-state')) === 'paused', { timeout: 15_000, timeoutMsg: 'pause did not take' });
  await screenshot(browser, '20-queue-paused');
  await video.$('[data-testid="queue-resume"]').click();
  await browser.waitUntil(async () => (await video.getAttribute('data-state')) === 'done', {
    timeout: 90_000, timeoutMsg: 'the resumed upload never finished',
  });

  // The vanished photo: failed, with a reason in words.
  const photo = await rowFor(browser, photoId);
  await browser.waitUntil(async () => (await photo.getAttribute('data-state')) === 'failed', { timeout: 60_000, timeoutMsg: 'the missing file should fail' });
  const reason = await photo.$('[data-testid="queue-error"]').getText();
  assert.ok(reason.length > 10, `a reason is shown: ${reason}`);
  await screenshot(browser, '21-queue-failed');

  // Put the file back and retry: it is published.
  renameSync(join(dir, 'swatch.jpg.away'), join(dir, 'swatch.jpg'));
  await photo.$('[data-testid="queue-retry"]').click();
  await browser.waitUntil(async () => (await photo.getAttribute('data-state')) === 'done', { timeout: 60_000, timeoutMsg: 'the retried upload never finished' });
  await screenshot(browser, '22-queue-done');
});
