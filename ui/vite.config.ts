// Vite + Vitest configuration for the Stockroom webview.
// JSX goes through Vite's own esbuild transform (no React plugin): the app needs no Fast Refresh
// and one less dependency keeps the toolchain small.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Relative asset URLs so ui/dist works from tauri://localhost and from a plain file server.
  base: './',
  clearScreen: false,
  esbuild: { jsx: 'automatic' },
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  // Same host as tauri.conf.json's devUrl (http://localhost:5173).
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'safari16',
    // The CSP forbids inline scripts: never inline modules or the preload polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
