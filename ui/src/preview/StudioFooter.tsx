// The studio's foot: the `tr` as text (typed or made by the controls), the exact delivery URL, the
// account it is on, and what the plan says (the fix for an invalid `tr`, notes, what the local
// preview leaves out).

import { useEffect, useState } from 'react';

import { copyText } from '@/app/clipboard';
import { useServices } from '@/app/context';
import { remoteInfo } from '@/ipc/api';
import type { PreviewSession, StudioState } from '@/preview/session';
import { UrlRow } from '@/preview/UrlRow';

/** The active account's label, for "On …" beside the URL. */
export function useAccountLabel(): string | null {
  const [account, setAccount] = useState<string | null>(null);
  useEffect(() => {
    remoteInfo().then(
      (i) => setAccount(i.label),
      () => setAccount(null),
    );
  }, []);
  return account;
}

interface Props {
  session: PreviewSession;
  st: StudioState;
  account: string | null;
}

export function StudioFooter({ session, st, account }: Props) {
  const { toasts } = useServices();
  return (
    <footer className="studio-foot">
      <div className="foot-row">
        <label htmlFor="studio-tr" className="foot-label">
          Transformation
        </label>
        <input
          id="studio-tr"
          className={`tr-input mono${st.planError ? ' invalid' : ''}`}
          data-testid="tr-input"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder="Type a tr, e.g. w-1080,h-1080:rt-90 — or use the controls"
          value={st.tr}
          aria-invalid={st.planError ? true : undefined}
          aria-describedby={st.planError ? 'studio-plan-error' : undefined}
          onChange={(e) => session.setTr(e.target.value)}
        />
        <button
          type="button"
          className="btn btn-small"
          data-testid="tr-copy"
          onClick={() => copyText(st.tr).then(() => toasts.info('Transformation copied.'), (e: Error) => toasts.error(e.message))}
        >
          Copy
        </button>
      </div>
      <div className="foot-row">
        <span className="foot-label">Delivery URL</span>
        <UrlRow
          url={st.url}
          error={st.urlError}
          signed={st.signed}
          onSigned={(v) => session.setSigned(v)}
          testId="delivery-url"
          controls="url"
          what="Delivery URL"
        />
      </div>
      <div className="foot-notes">
        {account && <span className="foot-account">On {account}</span>}
        {st.planError && (
          <p className="plan-error" id="studio-plan-error" role="alert" data-testid="plan-error">
            {st.planError}
          </p>
        )}
        {st.plan?.notes.map((n) => (
          <p className="plan-note" key={n} data-testid="plan-note">
            {n}
          </p>
        ))}
        {st.plan && st.plan.not_previewable.length > 0 && (
          <div className="not-previewable" data-testid="plan-not-previewable">
            <span>Not previewable locally (kept in the URL):</span>
            {st.plan.not_previewable.map((n) => (
              <code key={`${n.step}-${n.param}`} title={n.reason} data-testid="not-previewable-param">
                {n.param}
              </code>
            ))}
          </div>
        )}
      </div>
    </footer>
  );
}
