// The studio's keyboard: Esc closes, Space plays both, R / Shift+R turn, H / V flip, I / O trim at
// the playhead, F renders full quality. Keys typed into a field stay with the field.

import { useEffect, useRef } from 'react';
import type { KeyboardEvent } from 'react';

import type { ControlActions } from '@/preview/StudioControls';

interface Keys {
  video: boolean;
  playing: boolean;
  play: () => void;
  pause: () => void;
  actions: ControlActions;
  renderFull: () => void;
  onClose: () => void;
}

/** The dialog's root (focused on open) and its key handler. */
export function useStudioKeys({ video, playing, play, pause, actions, renderFull, onClose }: Keys) {
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => root.current?.focus(), []);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
      return;
    }
    const t = e.target as Element;
    if (t.closest('input, textarea, select, [contenteditable="true"]') || e.ctrlKey || e.metaKey || e.altKey) return;
    const k = e.key.toLowerCase();
    if (e.key === ' ' && video) {
      e.preventDefault();
      if (playing) pause();
      else play();
    } else if (k === 'r') {
      e.preventDefault();
      actions.turn(e.shiftKey ? -90 : 90);
    } else if (k === 'h') {
      actions.toggleFlip('h');
    } else if (k === 'v') {
      actions.toggleFlip('v');
    } else if (k === 'i' && video) {
      actions.trimAtPlayhead('start');
    } else if (k === 'o' && video) {
      actions.trimAtPlayhead('end');
    } else if (k === 'f' && !e.shiftKey) {
      renderFull();
    }
  };
  return { root, onKey };
}
