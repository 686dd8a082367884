import { describe, expect, it } from 'vitest';

import {
  formatBitRate,
  formatDimensions,
  formatDuration,
  formatFrameRate,
  formatSize,
  shortHash,
} from '@/library/format';

describe('formatDuration', () => {
  it.each([
    [0, '0:00'],
    [5.9, '0:05'],
    [59.99, '0:59'],
    [60, '1:00'],
    [83.4, '1:23'],
    [600, '10:00'],
    [3599, '59:59'],
    [3600, '1:00:00'],
    [3723, '1:02:03'],
  ])('%s s is %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });

  it('is empty when unknown or nonsense', () => {
    expect(formatDuration(null)).toBe('');
    expect(formatDuration(undefined)).toBe('');
    expect(formatDuration(Number.NaN)).toBe('');
    expect(formatDuration(-1)).toBe('');
  });
});

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1 KB'],
    [1536, '1.5 KB'],
    [12_400_000, '12 MB'],
    [9_960_000, '10 MB'],
    [1_250_000, '1.3 MB'],
    [999_999_999, '1 GB'],
    [3_400_000_000, '3.4 GB'],
    [2_000_000_000_000, '2 TB'],
  ])('%s bytes is %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it('is empty for nonsense', () => {
    expect(formatSize(-5)).toBe('');
    expect(formatSize(null)).toBe('');
  });
});

describe('media numbers', () => {
  it('formats bit rates', () => {
    expect(formatBitRate(850_000)).toBe('850 kb/s');
    expect(formatBitRate(8_200_000)).toBe('8.2 Mb/s');
    expect(formatBitRate(24_000_000)).toBe('24 Mb/s');
    expect(formatBitRate(null)).toBe('');
  });

  it('formats frame rates without noise', () => {
    expect(formatFrameRate(25)).toBe('25 fps');
    expect(formatFrameRate(30000 / 1001)).toBe('29.97 fps');
    expect(formatFrameRate(0)).toBe('');
  });

  it('formats dimensions and short hashes', () => {
    expect(formatDimensions(1080, 1920)).toBe('1080 × 1920');
    expect(formatDimensions(null, 1080)).toBe('');
    expect(shortHash('0123456789abcdef0123')).toBe('0123456789ab');
  });
});
