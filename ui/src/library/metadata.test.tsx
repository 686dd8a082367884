import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { DEMO_FIELDS } from '@/test/backend';
import { constraintHint, draftToValue } from '@/library/metadataValues';
import { installBackend } from '@/test/backend';
import { renderApp } from '@/test/render';

const tile = (id: number) => screen.getAllByTestId('asset-tile').find((t) => t.dataset.assetId === String(id))!;
const field = (name: string) => screen.getAllByTestId('metadata-field').find((f) => f.dataset.field === name)!;

async function openWith(count: number, ...ids: number[]) {
  await waitFor(() => expect(screen.getAllByTestId('asset-tile').length).toBe(count));
  fireEvent.click(tile(ids[0]!));
  for (const id of ids.slice(1)) fireEvent.click(tile(id), { ctrlKey: true });
  await waitFor(() => expect(screen.getAllByTestId('metadata-field').length).toBe(DEMO_FIELDS.length));
}

describe('metadata values', () => {
  it('converts what was typed into the stored JSON value', () => {
    expect(draftToValue('Number', ' 12,5 ')).toEqual({ value: 12.5 });
    expect(draftToValue('Number', 'twelve')).toEqual({ error: '"twelve" is not a number.' });
    expect(draftToValue('Number', '')).toEqual({ error: 'Type a number.' });
    expect(draftToValue('Boolean', 'false')).toEqual({ value: false });
    expect(draftToValue('SingleSelect', '"summer"')).toEqual({ value: 'summer' });
    expect(draftToValue('MultiSelect', ['"red"', '3'])).toEqual({ value: ['red', 3] });
    expect(draftToValue('Date', '2026-03-01')).toEqual({ value: '2026-03-01' });
    expect(constraintHint(DEMO_FIELDS.find((f) => f.name === 'price')!)).toBe('0 – 10,000');
    expect(constraintHint(DEMO_FIELDS.find((f) => f.name === 'sku')!)).toBe('at most 20 characters');
  });
});

describe('metadata panel', () => {
  it('renders one editor per field type, with the required marker and default', async () => {
    installBackend({ count: 3 });
    renderApp();
    await openWith(3, 2);
    const panel = screen.getByTestId('metadata-panel');
    expect(within(panel).getAllByTestId('metadata-field').map((f) => f.dataset.type)).toEqual([
      'Text',
      'Textarea',
      'Number',
      'Date',
      'Boolean',
      'SingleSelect',
      'MultiSelect',
    ]);
    expect(within(field('sku')).getByLabelText('required')).toBeInTheDocument();
    expect(within(field('sku')).getByRole('textbox')).toHaveAttribute('placeholder', 'Default: UNSET');
    expect(field('notes').querySelector('textarea')).not.toBeNull();
    expect(field('launch_date').querySelector('input[type="date"]')).not.toBeNull();
    expect(within(field('season')).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'Choose…',
      'spring',
      'summer',
      'autumn',
      'winter',
    ]);
    expect(within(field('colours')).getAllByRole('checkbox')).toHaveLength(4);
    expect(field('price')).toHaveTextContent('0 – 10,000');
  });

  it('shows the backend message for an out-of-range number and does not save it', async () => {
    const backend = installBackend({ count: 3 });
    renderApp();
    await openWith(3, 2);
    const user = userEvent.setup();
    const input = within(field('price')).getByRole('textbox');
    await user.type(input, '20000');
    // Save straight away, before the as-you-type check answered: it checks again and refuses.
    await user.click(within(field('price')).getByTestId('metadata-save'));
    const error = await within(field('price')).findByTestId('metadata-error');
    expect(error).toHaveTextContent('Price must be between 0 and 10000; 20000 is out of range.');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(within(field('price')).getByTestId('metadata-save')).toBeDisabled();
    await user.keyboard('{Enter}');
    expect(backend.callsOf('check_metadata').length).toBeGreaterThan(0);
    expect(backend.callsOf('set_metadata')).toHaveLength(0);

    // Fixing it clears the message and saves.
    await user.clear(input);
    await user.type(input, '49.5');
    await waitFor(() => expect(within(field('price')).queryByTestId('metadata-error')).toBeNull());
    await user.click(within(field('price')).getByTestId('metadata-save'));
    await waitFor(() => expect(backend.callsOf('set_metadata')).toHaveLength(1));
    expect(backend.callsOf('set_metadata')[0]!.args).toEqual({ ids: [2], values: { price: 49.5 } });
    expect(await screen.findByTestId('undo-button')).toBeInTheDocument();
    expect(screen.getByText(/Set price on 1 asset/)).toBeInTheDocument();
  });

  it('says "Mixed" where the selected assets differ and saves one value to all of them', async () => {
    const backend = installBackend({ count: 4 });
    backend.metadata.set(4, { season: 'summer', colours: ['red'], sku: 'A-1' });
    backend.metadata.set(3, { season: 'winter', colours: ['red'], sku: 'A-1' });
    renderApp();
    await openWith(4, 4, 3);
    expect(screen.getByTestId('asset-detail')).toHaveTextContent('2 assets selected');
    expect(field('season')).toHaveAttribute('data-state', 'mixed');
    const season = within(field('season')).getByRole('combobox');
    expect(season).toHaveValue('');
    expect(within(season).getByRole('option', { name: 'Mixed' })).toBeInTheDocument();
    expect(field('sku')).toHaveAttribute('data-state', 'same');
    expect(within(field('sku')).getByRole('textbox')).toHaveValue('A-1');
    expect(field('price')).toHaveAttribute('data-state', 'unset');

    const user = userEvent.setup();
    await user.selectOptions(season, 'autumn');
    await user.click(within(field('season')).getByTestId('metadata-save'));
    await waitFor(() => expect(backend.callsOf('set_metadata')).toHaveLength(1));
    expect(backend.callsOf('set_metadata')[0]!.args).toEqual({ ids: [4, 3], values: { season: 'autumn' } });
    // The panel reloads: now the same on both.
    await waitFor(() => expect(field('season')).toHaveAttribute('data-state', 'same'));
    expect(within(field('season')).getByRole('combobox')).toHaveValue('"autumn"');

    // MultiSelect and Boolean edits.
    await user.click(within(field('colours')).getByRole('checkbox', { name: 'blue' }));
    await user.click(within(field('colours')).getByTestId('metadata-save'));
    await waitFor(() => expect(backend.callsOf('set_metadata')).toHaveLength(2));
    expect(backend.callsOf('set_metadata')[1]!.args).toEqual({ ids: [4, 3], values: { colours: ['red', 'blue'] } });
  });

  it('moves the selection to a new remote folder', async () => {
    const backend = installBackend({ count: 2 });
    renderApp();
    await openWith(2, 1);
    const user = userEvent.setup();
    await user.selectOptions(screen.getByTestId('folder-select'), 'New folder…');
    await user.type(screen.getByTestId('folder-new-name'), 'autumn');
    await user.click(screen.getByTestId('folder-create'));
    await waitFor(() => expect(backend.callsOf('set_folder')).toHaveLength(1));
    expect(backend.callsOf('create_folder')[0]!.args).toEqual({ parent: '/', name: 'autumn' });
    expect(backend.callsOf('set_folder')[0]!.args).toEqual({ ids: [1], folder: '/autumn/' });
    expect(await screen.findByText(/Moved 1 asset to \/autumn\//)).toBeInTheDocument();
  });
});
