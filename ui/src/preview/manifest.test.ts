// The manifest inspector reads renditions, sizes, bandwidths, codecs and segments from the text of
// real ffmpeg-written manifests (HLS master + media playlists, DASH MPD with SegmentTimeline).

import { describe, expect, it } from 'vitest';

import { inspectManifest, ManifestError, parseHlsMaster, parseHlsMedia, parseIsoDuration, parseMpd } from '@/preview/manifest';
import { DASH_MPD, HLS_MASTER, HLS_MEDIA } from '@/preview/testdata/manifests';

describe('HLS', () => {
  it('lists the video variants with resolution, bandwidth and codecs, and the shared audio apart', () => {
    const m = parseHlsMaster(HLS_MASTER);
    expect(m.variants.map((v) => [v.uri, v.width, v.height, v.codecs])).toEqual([
      ['v240p/index.m3u8', 426, 240, 'avc1.42c015,mp4a.40.2'],
      ['v360p/index.m3u8', 640, 360, 'avc1.42c01e,mp4a.40.2'],
    ]);
    expect(m.variants[0]!.bandwidth).toBe(75900);
    expect(m.audio).toEqual([{ uri: 'vaudio/index.m3u8', name: 'audio_0', codecs: 'mp4a.40.2' }]);
  });

  it('counts a media playlist’s segments and their length', () => {
    expect(parseHlsMedia(HLS_MEDIA)).toEqual({ segments: 3, segment_s: 2, duration_s: 6 });
    expect(parseHlsMedia('#EXTM3U\n#EXTINF:2.0,\na\n#EXTINF:1.5,\nb\n')).toEqual({ segments: 2, segment_s: 2, duration_s: 3.5 });
  });

  it('refuses a text that is not a playlist, saying so', () => {
    expect(() => parseHlsMaster('<html>')).toThrow(ManifestError);
    expect(() => parseHlsMaster('<html>')).toThrow(/not an HLS playlist/);
  });

  it('inspects a master and the playlists beside it, resolved against its URL', async () => {
    const asked: string[] = [];
    const info = await inspectManifest('http://127.0.0.1:9/tok/render/ab/ik-master.m3u8', async (url) => {
      asked.push(url);
      if (url.endsWith('ik-master.m3u8')) return HLS_MASTER;
      if (url.includes('vaudio')) return '#EXTM3U\n#EXTINF:2.0,\na\n#EXTINF:2.0,\nb\n#EXTINF:2.0,\nc\n';
      return HLS_MEDIA;
    });
    expect(asked).toContain('http://127.0.0.1:9/tok/render/ab/v240p/index.m3u8');
    expect(info.format).toBe('hls');
    expect(info.duration_s).toBe(6);
    expect(info.renditions.map((r) => [r.kind, r.height, r.segments, r.segment_s])).toEqual([
      ['video', 240, 3, 2],
      ['video', 360, 3, 2],
      ['audio', null, 3, 2],
    ]);
  });

  it('a media playlist that does not answer leaves its counts unknown, not the whole inspector broken', async () => {
    const info = await inspectManifest('http://h/x/ik-master.m3u8', async (url) => {
      if (url.endsWith('ik-master.m3u8')) return HLS_MASTER;
      throw new Error('404');
    });
    expect(info.renditions[0]!.segments).toBeNull();
    expect(info.renditions).toHaveLength(3);
  });
});

describe('DASH', () => {
  it('reads ISO 8601 durations', () => {
    expect(parseIsoDuration('PT6.0S')).toBe(6);
    expect(parseIsoDuration('PT1M2.5S')).toBe(62.5);
    expect(parseIsoDuration('PT1H')).toBe(3600);
    expect(parseIsoDuration('nonsense')).toBeNull();
  });

  it('lists every Representation with size, bandwidth, codecs and the SegmentTimeline’s segments', () => {
    const info = parseMpd(DASH_MPD);
    expect(info.format).toBe('dash');
    expect(info.duration_s).toBe(6);
    expect(info.renditions.map((r) => [r.kind, r.id, r.width, r.height, r.bandwidth, r.codecs, r.segments, r.segment_s])).toEqual([
      ['video', '0', 426, 240, 1036548, 'avc1.42c015', 3, 2],
      ['video', '1', 640, 360, 1819258, 'avc1.42c01e', 3, 2],
      ['audio', '2', null, null, 69000, 'mp4a.40.2', 3, 2.02],
    ]);
  });

  it('counts segments of a template with a fixed duration', () => {
    const mpd = `<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" mediaPresentationDuration="PT5.0S"><Period>
      <AdaptationSet contentType="video"><SegmentTemplate timescale="1000" duration="2000" media="c$Number$.m4s"/>
      <Representation id="v" bandwidth="500000" width="640" height="360" codecs="avc1.64001e"/></AdaptationSet></Period></MPD>`;
    expect(parseMpd(mpd).renditions[0]).toMatchObject({ segments: 3, segment_s: 2, duration_s: 5 });
  });

  it('refuses XML that is not an MPD', () => {
    expect(() => parseMpd('<html/>')).toThrow(/not a DASH manifest/);
  });

  it('inspectManifest reads an .mpd by its URL', async () => {
    const info = await inspectManifest('http://h/x/ik-master.mpd', async () => DASH_MPD);
    expect(info.renditions).toHaveLength(3);
  });
});
