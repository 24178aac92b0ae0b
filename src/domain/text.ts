/**
 * Characters that change how text is laid out without being seen: bidirectional overrides, embeddings and isolates
 * (which can make "evil.example" read as something else) and zero-width characters (which make two different names
 * look the same). They are removed from names and references; other free text keeps its zero-width joiners (scripts and
 * emoji need them) but loses the bidirectional controls.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
const ZERO_WIDTH = /[\u200B-\u200D\u2060-\u2064\uFEFF\u00AD\u180E]/g;
/** Control characters other than tab and line breaks: never typed on purpose, and six characters each once escaped in JSON. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** A person's or customer's name, or a reference: no layout controls, no invisible characters. */
export function plainName(text: string): string {
  return text.replace(CONTROLS, '').replace(BIDI_CONTROLS, '').replace(ZERO_WIDTH, '');
}

/** Free text (an account of what happened, reasons): no control characters but tabs and line breaks, no bidirectional controls. */
export function plainText(text: string): string {
  return text.replace(CONTROLS, '').replace(BIDI_CONTROLS, '');
}

/** A text shown in a list or quoted: at most `max` characters, cut with an ellipsis (the full text is on its record). */
export function brief(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
