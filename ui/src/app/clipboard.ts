// Copying text (URLs, transformations). The async Clipboard API first; where the webview refuses
// it, a hidden text area and execCommand('copy'), which WebKitGTK allows during a click.

export async function copyText(text: string): Promise<void> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return;
    }
  } catch {
    /* fall back below */
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'clipboard-helper';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand?.('copy') ?? false;
  area.remove();
  if (!ok) throw new Error('The clipboard is not available here; select the text and copy it.');
}
