import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { imagekitFormProblems } from '@/settings/SettingsPanel';
import { installBackend } from '@/test/backend';
import { renderApp } from '@/test/render';

const SECRET = 'private_S3cr3tK3y/abc=';

async function openSettings() {
  const user = userEvent.setup();
  await user.click(screen.getByTestId('settings-button'));
  await waitFor(() => expect(screen.getByTestId('settings-account')).toBeInTheDocument());
  return user;
}

describe('settings', () => {
  it('shows the active account without any secret', async () => {
    installBackend({ count: 1 });
    renderApp();
    await openSettings();
    const account = screen.getByTestId('settings-account');
    expect(account).toHaveAttribute('data-kind', 'sandbox');
    expect(account).toHaveTextContent('Sandbox (on this computer)');
    expect(account).toHaveTextContent('public_sandbox_key');
    expect(account).toHaveTextContent('The sandbox’s own local key');
    expect(account).toHaveTextContent('50 MB per file, 2 GB per video');
    expect(screen.queryByTestId('settings-use-sandbox')).toBeNull();
  });

  it('connects an ImageKit account and does not keep the private key anywhere', async () => {
    const backend = installBackend({ count: 1 });
    renderApp();
    const user = await openSettings();
    await user.click(screen.getByTestId('settings-connect-open'));
    await user.type(screen.getByTestId('settings-url-endpoint'), 'https://ik.imagekit.io/shop');
    await user.type(screen.getByTestId('settings-public-key'), 'public_abc');
    const keyField = screen.getByTestId('settings-private-key');
    expect(keyField).toHaveAttribute('type', 'password');
    await user.type(keyField, SECRET);
    await user.click(screen.getByTestId('settings-connect'));

    // No keychain answers: nothing is saved until the person chooses a private file.
    expect(await screen.findByTestId('settings-error')).toHaveTextContent('No system keychain answered');
    expect(screen.getByTestId('settings-account')).toHaveAttribute('data-kind', 'sandbox');
    await user.click(screen.getByTestId('settings-key-in-file-check'));
    await user.type(screen.getByTestId('settings-private-key'), SECRET);
    await user.click(screen.getByTestId('settings-connect'));

    await waitFor(() => expect(screen.getByTestId('settings-account')).toHaveAttribute('data-kind', 'imagekit'));
    const input = {
      url_endpoint: 'https://ik.imagekit.io/shop',
      public_key: 'public_abc',
      private_key: SECRET,
      auth_endpoint: null,
      api_base: null,
      upload_base: null,
      limits: null,
      auth_token: null,
    };
    expect(backend.callsOf('use_imagekit').map((c) => c.args)).toEqual([
      { input: { ...input, store_key_in_file: false } },
      { input: { ...input, store_key_in_file: true } },
    ]);
    // The key went to the backend once and is nowhere in the page or in storage afterwards.
    expect(document.body.innerHTML).not.toContain(SECRET);
    for (const store of [localStorage, sessionStorage]) {
      for (let i = 0; i < store.length; i++) expect(store.getItem(store.key(i)!)).not.toContain(SECRET);
    }
    expect(screen.queryByTestId('settings-private-key')).toBeNull(); // the form closed
    // The backend's warning (key kept in a file) is shown.
    expect(screen.getByTestId('settings-warning')).toHaveTextContent('No system keychain is available');
    // And the Sandbox is one click away.
    await user.click(screen.getByTestId('settings-use-sandbox'));
    await waitFor(() => expect(screen.getByTestId('settings-account')).toHaveAttribute('data-kind', 'sandbox'));
  });

  it('clears the private key even when the backend refuses the account', async () => {
    installBackend({ count: 1 });
    renderApp();
    const user = await openSettings();
    await user.click(screen.getByTestId('settings-connect-open'));
    await user.type(screen.getByTestId('settings-url-endpoint'), 'http://ik.imagekit.io/shop');
    await user.type(screen.getByTestId('settings-public-key'), 'public_abc');
    await user.type(screen.getByTestId('settings-private-key'), SECRET);
    await user.click(screen.getByTestId('settings-connect'));
    expect(await screen.findByTestId('settings-error')).toHaveTextContent('The URL endpoint must start with https://.');
    expect(screen.getByTestId('settings-private-key')).toHaveValue('');
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it('uses an authentication endpoint instead of a key, and checks the form first', async () => {
    const backend = installBackend({ count: 1 });
    renderApp();
    const user = await openSettings();
    await user.click(screen.getByTestId('settings-connect-open'));
    await user.click(screen.getByTestId('settings-mode-endpoint'));
    await user.click(screen.getByTestId('settings-connect'));
    const form = screen.getByTestId('settings-imagekit-form');
    expect(form).toHaveTextContent('Paste the URL endpoint');
    expect(form).toHaveTextContent('Enter the address of your organisation’s authentication endpoint.');
    expect(backend.callsOf('use_imagekit')).toHaveLength(0);
    await user.type(screen.getByTestId('settings-url-endpoint'), 'https://ik.imagekit.io/shop');
    await user.type(screen.getByTestId('settings-public-key'), 'public_abc');
    await user.type(screen.getByTestId('settings-auth-endpoint'), 'https://shop.example.com/auth');
    // The endpoint's access token goes like the key: once, then gone from the page.
    const token = screen.getByTestId('settings-auth-token');
    expect(token).toHaveAttribute('type', 'password');
    await user.type(token, 'door-key-7');
    await user.click(screen.getByTestId('settings-connect'));
    await waitFor(() => expect(backend.callsOf('use_imagekit')).toHaveLength(1));
    expect(backend.callsOf('use_imagekit')[0]!.args).toMatchObject({
      input: { private_key: null, auth_endpoint: 'https://shop.example.com/auth', auth_token: 'door-key-7' },
    });
    expect(document.body.innerHTML).not.toContain('door-key-7');
    expect(await screen.findByTestId('settings-account')).toHaveTextContent('signed by your authentication endpoint');
  });

  it('refreshes the fields and folders, and says so when the media library cannot be reached', async () => {
    let offline = false;
    const backend = installBackend({
      count: 1,
      handlers: {
        refresh_catalogue: () => {
          if (offline) throw { code: 'offline', message: 'Could not reach the media library: timed out.' };
          return { account: 'sandbox', fields: 7, folders: 1 };
        },
      },
    });
    renderApp();
    const user = await openSettings();
    const before = backend.callsOf('refresh_catalogue').length; // the app also refreshes at start
    await user.click(screen.getByTestId('settings-refresh-catalogue'));
    expect(await screen.findByTestId('settings-catalogue')).toHaveTextContent('Fetched 7 metadata fields and 1 folder.');
    expect(backend.callsOf('refresh_catalogue')).toHaveLength(before + 1);
    offline = true;
    await user.click(screen.getByTestId('settings-refresh-catalogue'));
    await waitFor(() =>
      expect(screen.getByTestId('settings-catalogue')).toHaveTextContent(
        'The media library cannot be reached: the fields and folders saved earlier stay in use.',
      ),
    );
  });

  it('saves upload concurrency and bandwidth limit', async () => {
    const backend = installBackend({ count: 1 });
    renderApp();
    const user = await openSettings();
    const panel = screen.getByTestId('settings-panel');
    const c = within(panel).getByTestId('settings-concurrency');
    await waitFor(() => expect(c).toHaveValue(2));
    await user.clear(c);
    await user.type(c, '40');
    expect(panel).toHaveTextContent('Choose 1 to 16 uploads at once.');
    expect(screen.getByTestId('settings-save-uploads')).toBeDisabled();
    await user.clear(c);
    await user.type(c, '4');
    await user.type(screen.getByTestId('settings-bandwidth'), '2.5');
    await user.click(screen.getByTestId('settings-save-uploads'));
    await waitFor(() => expect(backend.callsOf('set_upload_settings')).toHaveLength(1));
    expect(backend.callsOf('set_upload_settings')[0]!.args).toEqual({
      settings: { concurrency: 4, bandwidth_limit_bytes_per_sec: 2_500_000 },
    });
  });

  it('explains what is missing in the account form', () => {
    expect(imagekitFormProblems({ urlEndpoint: 'ik.imagekit.io', publicKey: '', mode: 'private_key', privateKeyGiven: false, authEndpoint: '' })).toEqual({
      urlEndpoint: 'That is not a web address, e.g. https://ik.imagekit.io/your_id.',
      publicKey: 'Paste the public key (it starts with public_).',
      privateKey: 'Paste the private key, or choose an authentication endpoint instead.',
    });
  });
});
