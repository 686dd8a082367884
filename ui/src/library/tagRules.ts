// The media library's tag rules (spec §2.3), checked as the person types so Add is never offered
// for a tag the remote would refuse: no `%`, and at most 500 characters of tags per asset.

export const MAX_TAG_CHARS = 500;

/** Tags typed in the box: split on commas, trimmed, empties and repeats dropped. */
export function parseTagInput(input: string): string[] {
  const out: string[] = [];
  for (const piece of input.split(',')) {
    const t = piece.trim();
    if (t !== '' && !out.includes(t)) out.push(t);
  }
  return out;
}

/** Characters as the remote counts them (Unicode scalar values). */
function chars(s: string): number {
  return [...s].length;
}

export interface TagTarget {
  name: string;
  tags: readonly string[];
}

/**
 * Why the typed tags cannot be added to the selection, or null when they can. `targets` are the
 * selected assets whose tags are known (the others are checked by the backend on Add).
 */
export function tagProblem(input: string, targets: readonly TagTarget[]): string | null {
  const typed = parseTagInput(input);
  if (typed.length === 0) return null;
  const bad = typed.find((t) => t.includes('%'));
  if (bad !== undefined) return `Tags cannot contain "%" ("${bad}"): the media library refuses it.`;
  const own = typed.reduce((n, t) => n + chars(t), 0);
  if (own > MAX_TAG_CHARS) {
    return `That is ${own} characters; an asset's tags may have at most ${MAX_TAG_CHARS} characters in all.`;
  }
  let worst: { name: string; total: number } | null = null;
  let over = 0;
  for (const a of targets) {
    const total =
      a.tags.reduce((n, t) => n + chars(t), 0) + typed.filter((t) => !a.tags.includes(t)).reduce((n, t) => n + chars(t), 0);
    if (total > MAX_TAG_CHARS) {
      over++;
      if (!worst || total > worst.total) worst = { name: a.name, total };
    }
  }
  if (worst) {
    const others = over > 1 ? ` (and ${over - 1} other selected ${over - 1 === 1 ? 'asset' : 'assets'})` : '';
    return `"${worst.name}"${others} would have ${worst.total} characters of tags; the media library allows ${MAX_TAG_CHARS} per asset. Remove a tag first.`;
  }
  return null;
}
