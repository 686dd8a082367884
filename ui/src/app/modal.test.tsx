import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { Modal } from '@/app/Modal';

function open(onClose = vi.fn()) {
  render(
    <Modal title="Review changes" titleId="t" onClose={onClose} closeLabel="Close review" testId="m">
      <button type="button">inside</button>
    </Modal>,
  );
  return onClose;
}

describe('Modal', () => {
  it('is a dialog named by its title, with focus inside', () => {
    open();
    const d = screen.getByRole('dialog', { name: 'Review changes' });
    expect(d).toHaveAttribute('aria-modal', 'true');
    expect(document.activeElement).toBe(d);
  });

  it('closes on Escape, on the close button and on the backdrop, not on a press inside', () => {
    const onClose = open();
    fireEvent.mouseDown(screen.getByText('inside'));
    expect(onClose).not.toHaveBeenCalled();
    fireEvent.keyDown(screen.getByTestId('m'), { key: 'Escape' });
    fireEvent.click(screen.getByRole('button', { name: 'Close review' }));
    fireEvent.mouseDown(screen.getByTestId('m').parentElement!);
    expect(onClose).toHaveBeenCalledTimes(3);
  });
});
