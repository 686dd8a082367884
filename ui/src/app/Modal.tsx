// The one dialog wrapper every panel uses: a dimmed backdrop that closes the dialog when pressed
// (only on the backdrop itself, not a drag that ends there), role dialog labelled by its title,
// focus moved into it when it opens, and Escape closing it (without reaching the window's
// shortcuts behind it).

import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';

import { CloseIcon } from '@/app/icons';

export function Modal({
  title,
  titleId,
  onClose,
  closeLabel,
  testId,
  closeTestId,
  wide = false,
  headExtra,
  children,
}: {
  title: ReactNode;
  /** The title element's id (what `aria-labelledby` names). */
  titleId: string;
  onClose: () => void;
  /** The close button's accessible name, e.g. "Close settings". */
  closeLabel: string;
  testId?: string;
  closeTestId?: string;
  /** A wide dialog (tables). */
  wide?: boolean;
  /** What sits in the header between the title and the close button (summaries, actions). */
  headExtra?: ReactNode;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDivElement>(null);
  // The latest onClose without re-running the focus effect when the parent re-renders.
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    dialog.current?.focus();
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close.current()}>
      <div
        ref={dialog}
        className={`modal${wide ? ' modal-wide' : ''} panel`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            close.current();
          }
        }}
      >
        <header className="modal-head">
          <h2 id={titleId}>{title}</h2>
          {headExtra}
          <button type="button" className="icon-btn" aria-label={closeLabel} onClick={onClose} data-testid={closeTestId}>
            <CloseIcon size={18} />
          </button>
        </header>
        <div className="modal-body">{children}</div>
      </div>
    </div>
  );
}
