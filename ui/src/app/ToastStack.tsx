import { useServices } from '@/app/context';
import { CloseIcon } from '@/app/icons';
import { useObservable } from '@/app/store';

export function ToastStack() {
  const { toasts } = useServices();
  const list = useObservable(toasts);
  return (
    <div className="toasts" aria-live="assertive">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} data-testid="toast" data-kind={t.kind} role={t.kind === 'error' ? 'alert' : 'status'}>
          <span className="toast-msg">{t.message}</span>
          {t.action && (
            <button
              type="button"
              className="toast-action"
              data-testid={t.action.testId}
              onClick={() => {
                toasts.dismiss(t.id);
                t.action!.run();
              }}
            >
              {t.action.label}
            </button>
          )}
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => toasts.dismiss(t.id)}>
            <CloseIcon size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
