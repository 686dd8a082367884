// jsdom has no layout: give the grid's scroll container a window-sized box so the virtualiser has
// something to fill, and stub the few browser APIs the app touches.

import '@testing-library/jest-dom/vitest';
import { clearMocks } from '@tauri-apps/api/mocks';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

export const viewport = { width: 1200, height: 800 };

function isGrid(el: Element): boolean {
  return el.classList?.contains('grid-scroll') ?? false;
}

Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
  configurable: true,
  get(this: HTMLElement) {
    return isGrid(this) ? viewport.width : 0;
  },
});
Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
  configurable: true,
  get(this: HTMLElement) {
    return isGrid(this) ? viewport.height : 0;
  },
});

class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= NoopResizeObserver;

Element.prototype.scrollTo = function scrollTo(this: Element, a?: ScrollToOptions | number, b?: number) {
  const top = typeof a === 'object' ? a.top : b;
  if (typeof top === 'number') {
    this.scrollTop = top;
    this.dispatchEvent(new Event('scroll'));
  }
} as Element['scrollTo'];

HTMLMediaElement.prototype.load = function load() {};

afterEach(() => {
  cleanup();
  clearMocks();
  viewport.width = 1200;
  viewport.height = 800;
});
