// Turning what a person typed into the JSON value a custom metadata field stores, and back.
// The backend's check_metadata has the last word; these only convert (and catch "not a number").

import type { FieldSummary, FieldType, JsonValue, MetadataField } from '@/ipc/dto';

/** A value as an editor holds it: the text of inputs, or the chosen values of checkboxes. */
export type Draft = string | string[] | boolean;

/** Parses the editor's draft into the stored value; `{error}` when it cannot be one. */
export function draftToValue(type: FieldType, draft: Draft): { value: JsonValue } | { error: string } {
  switch (type) {
    case 'Number': {
      const t = String(draft).trim().replace(',', '.');
      if (t === '') return { error: 'Type a number.' };
      const n = Number(t);
      return Number.isFinite(n) ? { value: n } : { error: `"${String(draft)}" is not a number.` };
    }
    case 'Boolean':
      return { value: draft === true || draft === 'true' };
    case 'MultiSelect':
      return { value: Array.isArray(draft) ? draft.map(fromOptionKey) : [] };
    case 'SingleSelect':
      return { value: fromOptionKey(String(draft)) };
    case 'Date': {
      const t = String(draft).trim();
      return t === '' ? { error: 'Pick a date.' } : { value: t };
    }
    default:
      return { value: String(draft) };
  }
}

/** Select options can be strings, numbers or booleans: their JSON is the option key. */
export function optionKey(v: JsonValue): string {
  return JSON.stringify(v);
}

function fromOptionKey(k: string): JsonValue {
  try {
    return JSON.parse(k) as JsonValue;
  } catch {
    return k;
  }
}

/** How a stored value is shown (select options, yes/no, dates without the time). */
export function displayValue(field: MetadataField, v: JsonValue | undefined | null): string {
  if (v === undefined || v === null) return '';
  if (field.field_type === 'Boolean') return v === true ? 'Yes' : 'No';
  if (field.field_type === 'Date' && typeof v === 'string') return v.slice(0, 10);
  if (Array.isArray(v)) return v.map((x) => String(x)).join(', ');
  return String(v);
}

/** The draft an editor starts from: the selection's common value, else empty. */
export function initialDraft(s: FieldSummary): Draft {
  const v = s.value.state === 'same' ? s.value.value : undefined;
  switch (s.field.field_type) {
    case 'Boolean':
      return v === undefined ? '' : v === true ? 'true' : 'false';
    case 'MultiSelect':
      return Array.isArray(v) ? v.map(optionKey) : [];
    case 'SingleSelect':
      return v === undefined ? '' : optionKey(v);
    case 'Date':
      return typeof v === 'string' ? v.slice(0, 10) : '';
    default:
      return v === undefined || v === null ? '' : String(v);
  }
}

/** Whether two drafts mean the same (checkbox order does not matter). */
export function sameDraft(a: Draft, b: Draft): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x) => b.includes(x));
  return a === b;
}

/** One line describing a field's constraints, e.g. "0 – 10,000" or "at most 20 characters". */
export function constraintHint(f: MetadataField): string {
  const parts: string[] = [];
  const fmt = (v: JsonValue | null) => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v).slice(0, 10));
  if (f.min_value !== null && f.max_value !== null) parts.push(`${fmt(f.min_value)} – ${fmt(f.max_value)}`);
  else if (f.min_value !== null) parts.push(`at least ${fmt(f.min_value)}`);
  else if (f.max_value !== null) parts.push(`at most ${fmt(f.max_value)}`);
  if (f.min_length !== null && f.max_length !== null) parts.push(`${f.min_length}–${f.max_length} characters`);
  else if (f.max_length !== null) parts.push(`at most ${f.max_length} characters`);
  else if (f.min_length !== null) parts.push(`at least ${f.min_length} characters`);
  return parts.join(', ');
}
