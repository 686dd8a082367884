// Shared end-to-end harness: generated media, a fresh library, tauri-driver, one WebDriver session.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import net from 'node:net';
import { remote, Key } from 'webdriverio';

const here = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = resolve(here, 'screenshots');

export function app() {
  const bin = process.env.STOCKROOM_APP;
  if (!bin || !existsSync(bin)) {
    throw new Error('Set STOCKROOM_APP to the app binary built with `scripts/build-app.sh` (the test script does this).');
  }
  return bin;
}

function ffmpeg(args) {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: 'inherit' });
}

/** A folder a merchandiser might drop: clips (one portrait phone clip), photos, and junk. */
export function makeMediaFolder() {
  const root = mkdtempSync(join(tmpdir(), 'stockroom-e2e-'));
  const shoot = join(root, 'Summer shoot');
  mkdirSync(join(shoot, 'day 1'), { recursive: true });
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25:d=6', '-f', 'lavfi', '-i', 'sine=f=440:d=6',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-movflags', '+faststart',
    join(shoot, 'dress-red.mp4')]);
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=480x270:r=25:d=4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p',
    '-movflags', '+faststart', join(shoot, 'day 1', 'shoe #2 100%.mp4')]);
  ffmpeg(['-f', 'lavfi', '-i', 'mandelbrot=s=800x600', '-frames:v', '1', join(shoot, 'poster.jpg')]);
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=orange:s=300x400', '-frames:v', '1', join(shoot, 'day 1', 'swatch.png')]);
  writeFileSync(join(shoot, 'notes.txt'), 'not media');
  writeFileSync(join(shoot, 'empty.mp4'), '');
  return { root, shoot, media: 4, junk: 2 };
}

async function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
    s.on('error', rej);
  });
}

async function waitForPort(port, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise((res) => {
      const c = net.connect(port, '127.0.0.1', () => { c.end(); res(true); });
      c.on('error', () => res(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`tauri-driver did not listen on ${port}`);
}

/** Starts tauri-driver and a session on the app with a fresh library. */
export async function launch({ library } = {}) {
  const lib = library ?? mkdtempSync(join(tmpdir(), 'stockroom-lib-'));
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      WEBKIT_DISABLE_COMPOSITING_MODE: '1',
      WEBKIT_DISABLE_DMABUF_RENDERER: '1',
      LIBGL_ALWAYS_SOFTWARE: '1',
      STOCKROOM_LIBRARY: lib,
    },
  });
  await waitForPort(port, 20_000);
  const browser = await remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'error',
    connectionRetryTimeout: 120_000,
    capabilities: { 'tauri:options': { application: app(), args: ['--library', lib] } },
  });
  await browser.setTimeout({ implicit: 0, script: 120_000 });
  // A wait that times out says what the app showed at that moment (toasts, tiles and their tags,
  // the selection) and leaves a screenshot, so a failure on CI can be read without re-running it.
  let failures = 0;
  browser.overwriteCommand('waitUntil', async function (original, condition, options) {
    try {
      return await original(condition, options);
    } catch (e) {
      const seen = await appState(browser).catch((err) => `(app state unavailable: ${err.message})`);
      const shot = await screenshot(browser, `failed-${Date.now()}-${++failures}`).catch(() => null);
      e.message = `${e.message}\n  app state: ${seen}${shot ? `\n  screenshot: ${shot}` : ''}`;
      throw e;
    }
  });
  const stop = async () => {
    try { await browser.deleteSession(); } catch { /* already gone */ }
    driver.kill('SIGTERM');
    await new Promise((done) => {
      if (driver.exitCode !== null || driver.signalCode !== null) return done();
      const timer = setTimeout(done, 10_000);
      driver.once('exit', () => { clearTimeout(timer); done(); });
    });
    // An app the driver could not close must not outlive its spec: it would keep the suite's
    // output pipe open (and the library's locks held), so the run would never end.
    try { execFileSync('pkill', ['-KILL', '-f', '--', `--library ${lib}`]); } catch { /* none left */ }
  };
  return { browser, library: lib, stop };
}

/**
 * Saves what a person would see: the X display under Xvfb (WebKitWebDriver's own screenshot
 * command hangs without GPU compositing), falling back to WebDriver's screenshot elsewhere.
 */
export async function screenshot(browser, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await sleep(300); // let the last frame paint
  try {
    execFileSync('import', ['-window', 'root', file], { stdio: 'ignore', timeout: 20_000 });
  } catch {
    await browser.saveScreenshot(file);
  }
  return file;
}

/** What a person would read on screen, as one line of JSON: toasts, tiles with tags, selection. */
export async function appState(browser) {
  const state = await browser.execute(() => {
    const text = (sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent.trim());
    return {
      toasts: text('.toast'),
      tiles: [...document.querySelectorAll('[data-testid="asset-tile"]')].map((t) => ({
        id: t.getAttribute('data-asset-id'),
        selected: t.getAttribute('data-selected'),
        tags: [...t.querySelectorAll('[data-testid="asset-tag"]')].map((b) => b.textContent),
      })),
      selected: document.querySelector('[data-testid="selection-count"]')?.getAttribute('data-count') ?? null,
      tagInput: document.querySelector('[data-testid="tag-input"]')?.value ?? null,
      tagAddEnabled: document.querySelector('[data-testid="tag-add"]')?.disabled === false,
      queue: text('[data-testid="queue-row"]'),
    };
  });
  return JSON.stringify(state);
}

/**
 * Replaces a text field's value the way a person does: select all, delete, type. (WebDriver's
 * "clear" empties the field without an input event, so React keeps the old value and puts it
 * back on its next render: the typing then lands after the old text.) Waits until the field
 * holds exactly `text`.
 */
export async function replaceText(browser, element, text) {
  await element.click();
  await browser.action('key').down(Key.Ctrl).down('a').up('a').up(Key.Ctrl).down(Key.Backspace).up(Key.Backspace).perform();
  await browser.releaseActions();
  await element.addValue(text);
  await browser.waitUntil(async () => (await element.getValue()) === text, {
    timeout: 10_000, timeoutMsg: `the field should hold exactly "${text}"`,
  });
}

/** The text content of every element matching `selector`. */
export async function texts(browser, selector) {
  return browser.execute((sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent), selector);
}

/** Runs the same import a drop runs (WebDriver cannot perform an OS drag-and-drop). */
export async function importPaths(browser, paths) {
  await browser.waitUntil(() => browser.execute(() => Boolean(window.__stockroom)), {
    timeout: 30_000, timeoutMsg: 'the app never exposed its import hook',
  });
  return browser.executeAsync((p, done) => {
    window.__stockroom.importPaths(p).then((r) => done({ ok: r }), (e) => done({ err: e }));
  }, paths);
}
