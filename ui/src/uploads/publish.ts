// What the Publish dialog asks the media library to make after the upload (post-transformations,
// spec §2.5): a streaming version (`abs`, HLS or DASH with its renditions) for videos, extra
// versions (`transformation`, any `tr`) for every asset, and a thumbnail (videos). Pure: the
// dialog keeps a `PublishChoice`, this turns it into each kind of asset's list.

import type { PostTransformation } from '@/ipc/dto';

export interface PublishChoice {
  /** A streaming version of each video. */
  ladder: boolean;
  format: 'hls' | 'dash';
  /** `sr` values, ascending. */
  rungs: number[];
  /** Extra derived versions: each a `tr` (blank ones are ignored). */
  versions: string[];
  /** A thumbnail of each video, with an optional `tr` ('' = the default thumbnail). */
  thumbnail: boolean;
  thumbnailTr: string;
}

export function defaultChoice(rungs: number[]): PublishChoice {
  return { ladder: false, format: 'hls', rungs, versions: [], thumbnail: false, thumbnailTr: '' };
}

/** The post-transformations for one asset of this kind (`video` gets the ladder and thumbnail). */
export function postFor(choice: PublishChoice, video: boolean): PostTransformation[] {
  const out: PostTransformation[] = [];
  if (video && choice.ladder) {
    out.push({ type: 'abs', value: `sr-${choice.rungs.join('_')}`, protocol: choice.format });
  }
  for (const v of choice.versions) {
    const tr = v.trim();
    if (tr !== '') out.push({ type: 'transformation', value: tr, protocol: null });
  }
  if (video && choice.thumbnail) {
    const tr = choice.thumbnailTr.trim();
    out.push({ type: 'thumbnail', value: tr === '' ? null : tr, protocol: null });
  }
  return out;
}

/** One line per post-transformation, for the dialog's summary. */
export function describePost(p: PostTransformation): string {
  switch (p.type) {
    case 'abs':
      return `${(p.protocol ?? 'hls').toUpperCase()} streaming version, ${(p.value ?? '').replace(/^sr-/, '').split('_').map((r) => `${r}p`).join(' · ')}`;
    case 'thumbnail':
      return p.value ? `Thumbnail (${p.value})` : 'Thumbnail';
    default:
      return `Version ${p.value ?? ''}`;
  }
}
