// A delivery URL as the studio shows it: the URL (or why there is none), "Signed", "Copy URL".
// The studio's own URL and the streaming ladder's both use it.

import { copyText } from '@/app/clipboard';
import { useServices } from '@/app/context';

interface Props {
  url: string | null;
  error: string | null;
  signed: boolean;
  onSigned: (signed: boolean) => void;
  /** The output's test id; the checkbox and button get `${controls}-signed` / `${controls}-copy`. */
  testId: string;
  controls: string;
  /** What the toast calls it once copied, e.g. "Delivery URL". */
  what: string;
  /** The `tr` it carries, as `data-tr` (for tests and tools). */
  tr?: string;
}

export function UrlRow({ url, error, signed, onSigned, testId, controls, what, tr }: Props) {
  const { toasts } = useServices();
  return (
    <>
      <output className="url-output mono" data-testid={testId} data-tr={tr} title={url ?? undefined}>
        {url ?? error ?? '…'}
      </output>
      <label className="check-field" title="Sign the URL with the account's private key">
        <input type="checkbox" data-testid={`${controls}-signed`} checked={signed} onChange={(e) => onSigned(e.target.checked)} />
        <span>Signed</span>
      </label>
      <button
        type="button"
        className="btn btn-small"
        data-testid={`${controls}-copy`}
        disabled={!url}
        onClick={() => url && copyText(url).then(() => toasts.info(`${what} copied.`), (e: Error) => toasts.error(e.message))}
      >
        Copy URL
      </button>
    </>
  );
}
