import { createRoot } from 'react-dom/client';
import { App } from '@/app/App';
import { createServices, ServicesProvider } from '@/app/context';
import '@/app/app.css';
import '@/app/organise.css';
import '@/preview/studio.css';
import '@/watch/watch.css';
import { installBackend, makeFolder, makeLedgerEntry, makeAsset } from '@/test/backend';

const view = new URLSearchParams(location.search).get('view') ?? 'ledger';
const b = installBackend({ count: 0 });
for (let i = 12; i >= 1; i--) b.add(makeAsset(i, { name: `look-${i}.mp4`, status: i === 3 || i === 8 ? 'missing' : 'local' }));
for (let i = 1; i <= 12; i++) b.tags.set(i, i % 2 ? ['agency-drop'] : ['summer', 'agency-drop', 'sale']);
const a = makeFolder(1, { path: '/home/merch/Shoots/Agency delivery', tags: ['agency-drop'], remote_folder: '/agency/' });
const n = makeFolder(2, { path: '/mnt/team-drive/Summer 2027', mode: 'polling', mode_reason: 'A network drive (nfs): changes are checked every 10 s.', auto_upload: true, excludes: ['proxies/**', '*.xmp'], metadata: { season: 'summer', price: 49.5 } });
const c = makeFolder(3, { path: '/media/merch/CARD_01/DCIM', health: 'offline', health_reason: 'The folder is not there (is the card or drive connected?). Nothing in it is marked missing; it is watched again when it is back.', paused: true });
b.watchFolders.push(a, n, c);
b.ledger.push(
  makeLedgerEntry(a, 'half-downloaded.mp4.part', { reason: { kind: 'temporary_name' }, message: 'A temporary name (a download or copy still under way): it comes in when it is renamed to its final name. Choose Ingest anyway if this is the final file.' }),
  makeLedgerEntry(a, 'look-13.mov', { path: '/home/merch/Shoots/Agency delivery/day 2/look-13.mov', message: 'Still being written: it comes in by itself 2 s after its last change. If the copy has finished, choose Ingest anyway.' }),
  makeLedgerEntry(n, 'brief.pdf', { state: 'skipped', reason: { kind: 'not_media' }, actions: ['retry', 'ignore'], message: 'Not a photo, video or audio file, so it is not added. Choose Ignore to stop listing it.', since: Date.now() / 1000 - 4000 }),
  makeLedgerEntry(n, 'copy of look-4.mp4', { state: 'skipped', reason: { kind: 'duplicate', asset_id: 4 }, actions: ['retry', 'ignore'], message: 'The same content is already in the library as asset #4, so it is not added twice.' }),
  makeLedgerEntry(n, 'broken.mp4', { state: 'skipped', reason: { kind: 'damaged' }, actions: ['retry', 'ignore'], detail: 'moov atom not found', message: 'It does not open as a photo, video or audio file: it may be damaged or not completely copied. Copy it again, then choose Retry.' }),
);
const root = document.getElementById('root')!;
createRoot(root).render(<ServicesProvider value={createServices()}><App /></ServicesProvider>);
setTimeout(() => {
  if (view === 'ledger') (document.querySelector('[data-testid="watch-chip"]') as HTMLElement)?.click();
  if (view === 'settings') {
    (document.querySelector('[data-testid="settings-button"]') as HTMLElement)?.click();
    setTimeout(() => document.querySelector('[data-testid="settings-watch"]')?.scrollIntoView(), 300);
  }
  if (view === 'form') {
    (document.querySelector('[data-testid="settings-button"]') as HTMLElement)?.click();
    setTimeout(() => { (document.querySelector('[data-testid="watch-add-open"]') as HTMLElement)?.click(); setTimeout(() => document.querySelector('[data-testid="watch-form"]')?.scrollIntoView(), 200); }, 300);
  }
}, 800);
