// The manifest inspector's model: what a streaming manifest (an HLS master with its media
// playlists, or a DASH MPD) lists — each rendition's resolution, bandwidth, codecs, and how many
// segments of how long — read from the text itself, as a shop's player reads it. Pure parsing
// here; `inspectManifest` fetches the master and (HLS) each media playlist beside it.

export type ManifestFormat = 'hls' | 'dash';

export interface ManifestRendition {
  /** `video` or `audio` (an HLS audio group or a DASH audio adaptation set). */
  kind: 'video' | 'audio';
  /** The playlist's URI (HLS) or the Representation id (DASH). */
  id: string;
  width: number | null;
  height: number | null;
  /** Bits per second, as declared (HLS BANDWIDTH, DASH bandwidth). */
  bandwidth: number | null;
  codecs: string | null;
  /** Segments listed (media segments, not the init segment); null when not known. */
  segments: number | null;
  /** The longest segment, seconds (the target a player buffers by). */
  segment_s: number | null;
  /** All segments together, seconds. */
  duration_s: number | null;
}

export interface ManifestInfo {
  format: ManifestFormat;
  renditions: ManifestRendition[];
  /** The presentation's length (DASH mediaPresentationDuration, or the longest HLS playlist). */
  duration_s: number | null;
}

export class ManifestError extends Error {}

/** `KEY=VALUE,KEY="a,b"` attribute lists of HLS tags. */
export function parseAttributes(list: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Z0-9-]+)=("[^"]*"|[^,]*)/g;
  for (let m = re.exec(list); m; m = re.exec(list)) {
    const v = m[2]!;
    out[m[1]!] = v.startsWith('"') ? v.slice(1, -1) : v;
  }
  return out;
}

export interface HlsMaster {
  variants: { uri: string; width: number | null; height: number | null; bandwidth: number | null; codecs: string | null }[];
  audio: { uri: string; name: string | null; codecs: string | null }[];
}

/** An HLS master playlist: its variants (`EXT-X-STREAM-INF` + URI) and audio renditions. */
export function parseHlsMaster(text: string): HlsMaster {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines[0] !== '#EXTM3U') throw new ManifestError('This is not an HLS playlist (no #EXTM3U on its first line).');
  const variants: HlsMaster['variants'] = [];
  const audio: HlsMaster['audio'] = [];
  const audioCodecs = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#EXT-X-STREAM-INF:')) {
      const a = parseAttributes(line.slice('#EXT-X-STREAM-INF:'.length));
      let uri = '';
      for (let j = i + 1; j < lines.length; j++) {
        if (lines[j] && !lines[j]!.startsWith('#')) {
          uri = lines[j]!;
          i = j;
          break;
        }
      }
      const res = /^(\d+)x(\d+)$/.exec(a.RESOLUTION ?? '');
      variants.push({
        uri,
        width: res ? Number(res[1]) : null,
        height: res ? Number(res[2]) : null,
        bandwidth: a.BANDWIDTH ? Number(a.BANDWIDTH) : null,
        codecs: a.CODECS ?? null,
      });
      if (a.AUDIO && a.CODECS) {
        const ac = a.CODECS.split(',').find((c) => c.startsWith('mp4a') || c.startsWith('ac-3') || c.startsWith('opus'));
        if (ac) audioCodecs.set(a.AUDIO, ac);
      }
    } else if (line.startsWith('#EXT-X-MEDIA:')) {
      const a = parseAttributes(line.slice('#EXT-X-MEDIA:'.length));
      if (a.TYPE === 'AUDIO' && a.URI) audio.push({ uri: a.URI, name: a.NAME ?? null, codecs: a['GROUP-ID'] ?? null });
    }
  }
  // The audio renditions take the codec their group's variants declare.
  for (const x of audio) x.codecs = x.codecs ? (audioCodecs.get(x.codecs) ?? null) : null;
  // ffmpeg also lists the shared audio as its own variant with no RESOLUTION: it is audio.
  const audioUris = new Set(audio.map((x) => x.uri));
  const onlyVideo = variants.filter((v) => !(v.width === null && (audioUris.has(v.uri) || /^mp4a/.test(v.codecs ?? ''))));
  return { variants: onlyVideo, audio };
}

/** An HLS media playlist: how many segments and how long each is. */
export function parseHlsMedia(text: string): { segments: number; segment_s: number; duration_s: number } {
  let segments = 0;
  let longest = 0;
  let total = 0;
  for (const line of text.split(/\r?\n/)) {
    const m = /^#EXTINF:([\d.]+)/.exec(line.trim());
    if (!m) continue;
    const d = Number(m[1]);
    segments++;
    total += d;
    longest = Math.max(longest, d);
  }
  return { segments, segment_s: round3(longest), duration_s: round3(total) };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** ISO 8601 durations as MPDs write them: `PT6.0S`, `PT1M2.5S`, `PT1H`. */
export function parseIsoDuration(s: string | null | undefined): number | null {
  if (!s) return null;
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(s.trim());
  if (!m) return null;
  const [, d, h, min, sec] = m;
  return round3(Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(sec ?? 0));
}

function num(el: Element | null | undefined, attr: string): number | null {
  const v = el?.getAttribute(attr);
  return v === null || v === undefined || v === '' ? null : Number(v);
}

/** Direct children by local name (MPDs are namespaced; querySelector would need escaping). */
function kids(el: Element, name: string): Element[] {
  return [...el.children].filter((c) => c.localName === name);
}

/** A DASH MPD: every Representation with its segment count from its SegmentTemplate. */
export function parseMpd(text: string): ManifestInfo {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  const mpd = doc.documentElement;
  if (!mpd || mpd.localName !== 'MPD') throw new ManifestError('This is not a DASH manifest (no <MPD> element).');
  const total = parseIsoDuration(mpd.getAttribute('mediaPresentationDuration'));
  const renditions: ManifestRendition[] = [];
  for (const period of kids(mpd, 'Period')) {
    const periodS = parseIsoDuration(period.getAttribute('duration')) ?? total;
    for (const set of kids(period, 'AdaptationSet')) {
      const setTemplate = kids(set, 'SegmentTemplate')[0] ?? null;
      for (const rep of kids(set, 'Representation')) {
        const mime = rep.getAttribute('mimeType') ?? set.getAttribute('mimeType') ?? '';
        const type = set.getAttribute('contentType') ?? mime.split('/')[0] ?? '';
        const kind: 'video' | 'audio' = type === 'audio' ? 'audio' : 'video';
        const seg = segmentsOf(kids(rep, 'SegmentTemplate')[0] ?? setTemplate, periodS);
        renditions.push({
          kind,
          id: rep.getAttribute('id') ?? '',
          width: kind === 'video' ? (num(rep, 'width') ?? num(set, 'width')) : null,
          height: kind === 'video' ? (num(rep, 'height') ?? num(set, 'height')) : null,
          bandwidth: num(rep, 'bandwidth'),
          codecs: rep.getAttribute('codecs') ?? set.getAttribute('codecs'),
          ...seg,
        });
      }
    }
  }
  return { format: 'dash', renditions: sortRenditions(renditions), duration_s: total };
}

function segmentsOf(
  template: Element | null,
  periodS: number | null,
): Pick<ManifestRendition, 'segments' | 'segment_s' | 'duration_s'> {
  if (!template) return { segments: null, segment_s: null, duration_s: periodS };
  const timescale = num(template, 'timescale') ?? 1;
  const timeline = kids(template, 'SegmentTimeline')[0];
  if (timeline) {
    let segments = 0;
    let longest = 0;
    let ticks = 0;
    for (const s of kids(timeline, 'S')) {
      const d = num(s, 'd') ?? 0;
      const r = num(s, 'r') ?? 0;
      // r = -1 repeats to the end of the period.
      const n = r >= 0 ? r + 1 : periodS !== null && d > 0 ? Math.ceil((periodS * timescale - ticks) / d) : 1;
      segments += n;
      ticks += n * d;
      longest = Math.max(longest, d);
    }
    return { segments, segment_s: round3(longest / timescale), duration_s: round3(ticks / timescale) };
  }
  const d = num(template, 'duration');
  if (d && periodS !== null) {
    const segS = d / timescale;
    return { segments: Math.ceil(periodS / segS - 1e-9), segment_s: round3(segS), duration_s: periodS };
  }
  return { segments: null, segment_s: null, duration_s: periodS };
}

/** Video renditions lowest first, then audio. */
function sortRenditions(r: ManifestRendition[]): ManifestRendition[] {
  return [...r].sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'video' ? -1 : 1;
    return (a.height ?? 0) - (b.height ?? 0) || (a.bandwidth ?? 0) - (b.bandwidth ?? 0);
  });
}

export function manifestFormat(url: string): ManifestFormat {
  return /\.mpd(\?|$)/.test(url) ? 'dash' : 'hls';
}

/** `child` resolved against the manifest's URL (relative URIs sit beside the master). */
export function resolveUri(base: string, child: string): string {
  return new URL(child, base).toString();
}

export type FetchText = (url: string) => Promise<string>;

export const fetchText: FetchText = async (url) => {
  const r = await fetch(url);
  if (!r.ok) throw new ManifestError(`${url} answered ${r.status}.`);
  return r.text();
};

/** Reads a manifest at `url`: the master, and for HLS each media playlist it lists. */
export async function inspectManifest(url: string, get: FetchText = fetchText): Promise<ManifestInfo> {
  const text = await get(url);
  if (manifestFormat(url) === 'dash' || text.trimStart().startsWith('<')) return parseMpd(text);
  const master = parseHlsMaster(text);
  const media = async (uri: string) => {
    try {
      return parseHlsMedia(await get(resolveUri(url, uri)));
    } catch {
      return null;
    }
  };
  const renditions: ManifestRendition[] = await Promise.all([
    ...master.variants.map(async (v) => {
      const m = await media(v.uri);
      return {
        kind: 'video' as const,
        id: v.uri,
        width: v.width,
        height: v.height,
        bandwidth: v.bandwidth,
        codecs: v.codecs,
        segments: m?.segments ?? null,
        segment_s: m?.segment_s ?? null,
        duration_s: m?.duration_s ?? null,
      };
    }),
    ...master.audio.map(async (a) => {
      const m = await media(a.uri);
      return {
        kind: 'audio' as const,
        id: a.uri,
        width: null,
        height: null,
        bandwidth: null,
        codecs: a.codecs,
        segments: m?.segments ?? null,
        segment_s: m?.segment_s ?? null,
        duration_s: m?.duration_s ?? null,
      };
    }),
  ]);
  const longest = renditions.reduce<number | null>((d, r) => (r.duration_s !== null ? Math.max(d ?? 0, r.duration_s) : d), null);
  return { format: 'hls', renditions: sortRenditions(renditions), duration_s: longest };
}
