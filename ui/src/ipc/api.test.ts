import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it } from 'vitest';

import { getAsset, importPaths, isApiError, tagSuggestions, toApiError } from '@/ipc/api';

describe('toApiError', () => {
  it('keeps the backend {code, message}', () => {
    expect(toApiError({ code: 'not_found', message: 'No asset with id 7.' })).toEqual({
      code: 'not_found',
      message: 'No asset with id 7.',
    });
  });

  it('turns Tauri string rejections into internal errors with the text as message', () => {
    expect(toApiError('command list_assets not found')).toEqual({
      code: 'internal',
      message: 'command list_assets not found',
    });
  });

  it('maps unknown codes and Error objects to internal, keeping the message', () => {
    expect(toApiError({ code: 'weird', message: 'Disk full.' })).toEqual({ code: 'internal', message: 'Disk full.' });
    expect(toApiError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' });
  });

  it('never produces an empty or JSON message', () => {
    for (const e of [undefined, null, {}, '', { code: 'io' }, 42]) {
      const err = toApiError(e);
      expect(isApiError(err)).toBe(true);
      expect(err.message.length).toBeGreaterThan(10);
      expect(err.message).not.toMatch(/[{}]/);
    }
  });
});

describe('commands', () => {
  it('sends tag_suggestions with prefix and limit', async () => {
    let seen: unknown;
    mockIPC((cmd, args) => {
      seen = { cmd, args };
      return [{ tag: 'summer', count: 3 }];
    });
    await expect(tagSuggestions('su', 20)).resolves.toEqual([{ tag: 'summer', count: 3 }]);
    expect(seen).toEqual({ cmd: 'tag_suggestions', args: { prefix: 'su', limit: 20 } });
  });

  it('rejects with ApiError when the backend fails', async () => {
    mockIPC(() => {
      throw { code: 'not_found', message: 'That asset is no longer in the library.' };
    });
    await expect(getAsset(3)).rejects.toEqual({
      code: 'not_found',
      message: 'That asset is no longer in the library.',
    });
  });

  it('passes a Channel as onEvent and delivers its events in order', async () => {
    mockIPC((cmd, args) => {
      expect(cmd).toBe('import_paths');
      const a = args as { paths: string[]; onEvent: { onmessage: (m: unknown) => void } };
      a.onEvent.onmessage({ event: 'discovered', data: { total: 2 } });
      a.onEvent.onmessage({ event: 'progress', data: { done: 2, total: 2 } });
      return { imported: [], skipped: [], cancelled: false };
    });
    const seen: string[] = [];
    await importPaths(['/a', '/b'], (e) => seen.push(e.event));
    expect(seen).toEqual(['discovered', 'progress']);
  });
});
