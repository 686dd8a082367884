// Preview = shop, end to end on the Sandbox: publish a video asking for an HLS streaming ladder,
// watch its ik-master URL go from Building to Ready in the detail panel; then Compare with the
// shop in the studio and see the score. (Playing the Sandbox's ik-master.m3u8 through hls.js in
// the detail panel's Watch is not covered yet: hls.js read no renditions there in the first run.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, importPaths, replaceText, screenshot, texts } from '../harness.mjs';

let session;
let clipId;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stockroom-e2e-shop-'));
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25:d=6', '-f', 'lavfi',
    '-i', 'sine=f=440:d=6', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
    '-movflags', '+faststart', join(dir, 'dress-red.mp4')]);
  session = await launch();
  const result = await importPaths(session.browser, [dir]);
  assert.equal(result.ok?.imported.length, 1, JSON.stringify(result));
});

after(async () => {
  await session?.stop();
});

test('publish with an HLS ladder: the ik-master URL becomes Ready', async () => {
  const { browser } = session;
  await browser.waitUntil(async () => (await browser.$$('[data-testid="asset-tile"]')).length === 1, { timeout: 30_000 });
  const tile = await browser.$('[data-testid="asset-tile"]');
  clipId = await tile.getAttribute('data-asset-id');
  await tile.click();
  await browser.$('[data-testid="asset-detail"]').waitForDisplayed({ timeout: 10_000 });

  // Publish, asking for the streaming version: HLS with the renditions a 640×360 clip fills.
  await browser.$('[data-testid="publish-button"]').click();
  await browser.$('[data-testid="publish-dialog"]').waitForDisplayed({ timeout: 10_000 });
  await browser.$('[data-testid="publish-ladder"]').click();
  const pressed = await browser.execute(() => [...document.querySelectorAll('[data-testid="publish-rung"]')].filter((b) => b.getAttribute('aria-pressed') === 'true').map((b) => b.dataset.rung));
  assert.deepEqual(pressed, ['240', '360']);
  const confirm = await browser.$('[data-testid="publish-confirm"]');
  await confirm.waitForEnabled({ timeout: 20_000, timeoutMsg: 'the backend never accepted the ladder' });
  await screenshot(browser, '40-publish-dialog');
  await confirm.click();

  const row = await browser.$(`[data-testid="queue-row"][data-asset-id="${clipId}"]`);
  await row.waitForExist({ timeout: 20_000 });
  await browser.waitUntil(async () => (await row.getAttribute('data-state')) === 'done', { timeout: 120_000, timeoutMsg: 'the upload never finished' });

  // The detail panel: the streaming ladder's URL, Building then Ready (asked every few seconds).
  const abs = await browser.$('[data-testid="derived-output"][data-kind="abs"]');
  await abs.waitForExist({ timeout: 60_000, timeoutMsg: 'the asked-for streaming ladder is not listed' });
  const url = await abs.$('[data-testid="derived-url"]').getText();
  assert.match(url, /\/dress-red\.mp4\/ik-master\.m3u8\?tr=sr-240_360$/, url);
  await browser.waitUntil(async () => (await abs.getAttribute('data-state')) === 'ready', {
    timeout: 180_000, timeoutMsg: 'the streaming ladder never became Ready',
  });
  assert.equal(await abs.$('[data-testid="derived-state"]').getText(), 'Ready');
  await screenshot(browser, '41-derived-outputs-ready');

});

test('Compare with the shop: the studio’s tr, the shop beside the local preview, the score', async () => {
  const { browser } = session;
  const open = await browser.$('[data-testid="open-studio"]');
  await open.waitForClickable({ timeout: 10_000 });
  await open.click();
  await browser.$('[data-testid="preview-studio"]').waitForDisplayed({ timeout: 10_000 });
  await replaceText(browser, await browser.$('[data-testid="tr-input"]'), 'w-320,h-180');
  await browser.waitUntil(async () => {
    const status = await browser.$('[data-testid="render-status"]');
    return (await status.getAttribute('data-tr')) === 'w-320,h-180' && (await status.getAttribute('data-state')) !== 'blocked';
  }, { timeout: 60_000, timeoutMsg: 'the studio never took the transformation' });

  const compare = await browser.$('[data-testid="compare-open"]');
  await compare.waitForEnabled({ timeout: 20_000, timeoutMsg: 'Compare with the shop is not offered for the published clip' });
  await compare.click();
  await browser.$('[data-testid="compare-dialog"]').waitForDisplayed({ timeout: 10_000 });
  const report = await browser.$('[data-testid="compare-report"]');
  await browser.waitUntil(async () => (await report.isExisting()) || (await browser.$('[data-testid="compare-error"]').isExisting()), {
    timeout: 180_000, timeoutMsg: 'the comparison never finished',
  });
  if (!(await report.isExisting())) {
    const [why] = await texts(browser, '[data-testid="compare-error"]');
    assert.fail(`the comparison failed: ${why}`);
  }
  const ssim = Number(await report.getAttribute('data-ssim'));
  assert.ok(ssim >= 0.98, `the shop's render matches the preview (SSIM ${ssim})`);
  assert.equal(await report.getAttribute('data-matches'), 'true');
  assert.match(await browser.$('[data-testid="compare-verdict"]').getText(), /^Match/);
  const [facts] = await texts(browser, '[data-testid="compare-facts"]');
  assert.match(facts, /320 × 180.*320 × 180/s, facts);
  // Both sides are shown, loaded.
  await browser.waitUntil(async () => browser.execute(() => ['compare-remote', 'compare-local'].every((id) => {
    const v = document.querySelector(`[data-testid="${id}"]`);
    return v && v.readyState >= 1 && v.videoWidth === 320;
  })), { timeout: 30_000, timeoutMsg: 'the two sides did not load' });
  await screenshot(browser, '43-compare-with-shop');
  await browser.$('[data-testid="compare-close"]').click();
  await browser.$('[data-testid="studio-close"]').click();
});
