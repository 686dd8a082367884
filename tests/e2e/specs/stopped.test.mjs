// Publishing never stops silently: when another Stockroom (here a `stockroom upload` stand-in holding
// the queue lock) is uploading from the same library, the Uploads panel says so, why and what to do,
// and publishing carries on once it is gone (Retry now).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch, screenshot } from '../harness.mjs';

let session;
let holder;

before(async () => {
  const lib = mkdtempSync(join(tmpdir(), 'stockroom-lib-stopped-'));
  const lock = join(lib, 'uploads.lock');
  writeFileSync(lock, '');
  // flock(1) takes the same kind of lock the queue takes, as another process would.
  // Its own process group, so stopping it stops the `sleep` that inherited the lock too.
  holder = spawn('flock', ['-x', lock, 'sleep', '600'], { stdio: 'ignore', detached: true });
  await sleep(300);
  session = await launch({ library: lib });
});

const release = () => {
  try { process.kill(-holder.pid, 'SIGTERM'); } catch { /* already gone */ }
};

after(async () => {
  if (holder) release();
  await session?.stop();
});

test('a queue held by another uploader says so in the Uploads panel and carries on when it is gone', async () => {
  const { browser } = session;
  await (await browser.$('[data-testid="queue-button"]')).waitForClickable({ timeout: 30_000 });
  await (await browser.$('[data-testid="queue-button"]')).click();
  const banner = await browser.$('[data-testid="queue-stopped"]');
  await banner.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'the stopped state never showed' });
  const text = await banner.getText();
  assert.match(text, /Publishing has stopped/);
  assert.match(text, /already uploading from this library/);
  assert.doesNotMatch(text, /uploads\.lock/, 'no internal file names');
  assert.match(text, /stockroom upload/);
  await screenshot(browser, 'uploads-stopped');

  release();
  await sleep(300);
  await (await browser.$('[data-testid="queue-stopped-retry"]')).click();
  await browser.waitUntil(async () => !(await browser.$('[data-testid="queue-stopped"]').isExisting()), {
    timeout: 30_000, timeoutMsg: 'publishing did not carry on once the other uploader was gone',
  });
});
