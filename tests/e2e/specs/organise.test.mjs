// Tagging and describing several assets at once, offline, with the remote's rules enforced.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, importPaths, replaceText, screenshot, texts } from '../harness.mjs';

let session;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stockroom-e2e-photos-'));
  for (const [name, colour] of [['shirt-red.png', 'red'], ['shirt-blue.png', 'blue'], ['shirt-green.png', 'green']]) {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=${colour}:s=320x240`, '-frames:v', '1', join(dir, name)]);
  }
  session = await launch();
  const result = await importPaths(session.browser, [dir]);
  assert.equal(result.ok?.imported.length, 3, JSON.stringify(result));
});

after(async () => {
  await session?.stop();
});

const field = (name) => `[data-testid="metadata-field"][data-field="${name}"]`;

test('select three assets, tag them, set a select field; a bad number is explained and not saved', async () => {
  const { browser } = session;
  await browser.waitUntil(async () => (await browser.$$('[data-testid="asset-tile"]')).length === 3, { timeout: 30_000 });
  const tiles = await browser.$$('[data-testid="asset-tile"]');
  await tiles[0].click();
  // Shift-click selects the range, as in a file manager.
  await browser.performActions([{ type: 'key', id: 'kb', actions: [{ type: 'keyDown', value: '\uE008' }] }]);
  await tiles[2].click();
  await browser.performActions([{ type: 'key', id: 'kb', actions: [{ type: 'keyUp', value: '\uE008' }] }]);
  await browser.releaseActions();
  await browser.waitUntil(async () => (await browser.$('[data-testid="selection-count"]').getAttribute('data-count')) === '3', {
    timeout: 10_000, timeoutMsg: 'three assets should be selected',
  });

  // A tag with % breaks the remote's rules: explained as you type, Add disabled.
  const input = await browser.$('[data-testid="tag-input"]');
  await input.setValue('50%off');
  await (await browser.$('[data-testid="tag-error"]')).waitForDisplayed({ timeout: 5_000 });
  assert.equal(await browser.$('[data-testid="tag-add"]').isEnabled(), false);
  await replaceText(browser, input, 'summer-sale');
  await browser.$('[data-testid="tag-add"]').waitForEnabled({ timeout: 5_000 });
  await browser.$('[data-testid="tag-add"]').click();
  await browser.waitUntil(async () => {
    const tags = await texts(browser, '[data-testid="asset-tag"]');
    return tags.filter((t) => t.includes('summer-sale')).length === 3;
  }, { timeout: 15_000, timeoutMsg: 'every tile should show the new tag badge' });

  // A SingleSelect for all three.
  const size = await browser.$(`${field('size')} select`);
  await size.waitForExist({ timeout: 10_000 });
  await size.selectByVisibleText('L');
  await browser.$(`${field('size')} [data-testid="metadata-save"]`).click();
  await browser.waitUntil(async () => (await browser.$(field('size')).getAttribute('data-state')) === 'same', {
    timeout: 10_000, timeoutMsg: 'size should be saved for all three',
  });

  // An out-of-range Number shows its message and is not saved.
  const price = await browser.$(`${field('price')} input`);
  await price.setValue('1000000');
  const error = await browser.$(`${field('price')} [data-testid="metadata-error"]`);
  await error.waitForDisplayed({ timeout: 10_000 });
  assert.match(await error.getText(), /100,?000|between|at most/i);
  assert.equal(await browser.$(`${field('price')} [data-testid="metadata-save"]`).isEnabled(), false);
  assert.equal(await browser.$(field('price')).getAttribute('data-state'), 'unset');
  await screenshot(browser, '10-bulk-tag-and-metadata');
});

test('the settings screen shows the sandbox account and no secret', async () => {
  const { browser } = session;
  await browser.$('[data-testid="settings-button"]').click();
  const panel = await browser.$('[data-testid="settings-panel"]');
  await panel.waitForDisplayed({ timeout: 10_000 });
  await browser.waitUntil(async () => (await browser.$('[data-testid="settings-account"]').getAttribute('data-kind')) === 'sandbox', {
    timeout: 15_000, timeoutMsg: 'the sandbox is the default account',
  });
  const [text] = await texts(browser, '[data-testid="settings-panel"]');
  assert.ok(!/private_sandbox_[0-9a-f]{8}/.test(text), 'no private key on screen');
  await screenshot(browser, '11-settings');
  await browser.$('[data-testid="settings-close"]').click();
});
