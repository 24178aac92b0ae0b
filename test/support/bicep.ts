import { readFileSync } from 'node:fs';

/**
 * A small Bicep reader for tests (Bicep cannot be compiled here). It reads a file as text and understands strings
 * (with ${} interpolation and ''' multi-line strings), // and /* *\/ comments and brackets, so commented-out code never
 * counts. Top-level `param`, `var`, `output`, `resource` and `module` statements are read; expressions are kept as
 * source text (`Value`), and object and array literals are taken apart with objectOf, arrayOf, prop and literal.
 *
 *   const [{ resource }] = resourcesOfType([readBicep(path)], 'Microsoft.Web/sites');
 *   literal(prop(resource.body, 'properties.siteConfig.healthCheckPath')); // the string, or undefined if not a literal
 */

/** Index just past the string starting at text[i] === "'" (handles \' escapes and ${ ... } holes). */
function skipString(text: string, i: number): number {
  if (text.startsWith("'''", i)) {
    const end = text.indexOf("'''", i + 3);
    if (end < 0) throw new Error(`unterminated multi-line string at ${i}`);
    return end + 3;
  }
  let j = i + 1;
  while (j < text.length) {
    const ch = text[j];
    if (ch === '\\') j += 2;
    else if (ch === "'") return j + 1;
    else if (ch === '$' && text[j + 1] === '{') j = closeOf(text, j + 1) + 1;
    else j++;
  }
  throw new Error(`unterminated string at ${i}`);
}

const PAIRS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

/** Index of the bracket closing the one at text[open], skipping strings. */
function closeOf(text: string, open: number): number {
  const stack: string[] = [];
  let i = open;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'") {
      i = skipString(text, i);
      continue;
    }
    if (PAIRS[ch]) stack.push(PAIRS[ch]);
    else if (ch === '}' || ch === ']' || ch === ')') {
      if (stack.pop() !== ch) throw new Error(`unbalanced '${ch}' at ${i}`);
      if (stack.length === 0) return i;
    }
    i++;
  }
  throw new Error(`no closing bracket for '${text[open]}' at ${open}`);
}

/** The text with // and /* *\/ comments blanked out (strings untouched, offsets and line breaks kept). */
function stripComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === "'") {
      const end = skipString(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2) + 2;
      if (end < 2) throw new Error('unterminated block comment');
      out += text.slice(i, end).replace(/[^\n]/g, ' ');
      i = end;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

/** Splits the inside of [ ] or { } into its top-level items (separated by line breaks or commas). */
function topLevelItems(body: string): string[] {
  const items: string[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const item = body.slice(start, end).trim();
    if (item) items.push(item);
  };
  while (i < body.length) {
    const ch = body[i]!;
    if (ch === "'") i = skipString(body, i);
    else if (PAIRS[ch]) i = closeOf(body, i) + 1;
    else if (ch === '\n' || ch === ',') {
      push(i);
      start = ++i;
    } else i++;
  }
  push(body.length);
  return items;
}

export type Value = string;

/** Parses an object literal `{ ... }` into its top-level properties (values kept as source text). */
export function objectOf(text: string): Map<string, Value> {
  const t = text.trim();
  if (!t.startsWith('{') || closeOf(t, 0) !== t.length - 1) throw new Error(`not an object literal: ${t.slice(0, 80)}`);
  const props = new Map<string, Value>();
  for (const item of topLevelItems(t.slice(1, -1))) {
    const m = /^('(?:[^'\\]|\\.)*'|[A-Za-z_$][\w$]*)\s*:\s*([\s\S]+)$/.exec(item);
    if (!m) throw new Error(`not a property: ${item.slice(0, 80)}`);
    const key = m[1]!.startsWith("'") ? m[1]!.slice(1, -1) : m[1]!;
    if (props.has(key)) throw new Error(`duplicate property ${key}`);
    props.set(key, m[2]!.trim());
  }
  return props;
}

/** Parses an array literal `[ ... ]` into its items (source text). */
export function arrayOf(text: string): Value[] {
  const t = text.trim();
  if (!t.startsWith('[') || closeOf(t, 0) !== t.length - 1) throw new Error(`not an array literal: ${t.slice(0, 80)}`);
  return topLevelItems(t.slice(1, -1));
}

/** Follows a dotted path of properties through nested object literals. */
export function prop(obj: Map<string, Value> | string, path: string): Value {
  let current: Map<string, Value> = typeof obj === 'string' ? objectOf(obj) : obj;
  const keys = path.split('.');
  let value: Value | undefined;
  keys.forEach((key, n) => {
    value = current.get(key);
    if (value === undefined) throw new Error(`no property ${keys.slice(0, n + 1).join('.')}`);
    if (n < keys.length - 1) current = objectOf(value);
  });
  return value!;
}

/** The value of a plain string literal (no interpolation), or undefined for any other expression. */
export function literal(value: Value): string | undefined {
  const m = /^'((?:[^'\\$]|\\.|\$(?!\{))*)'$/.exec(value.trim());
  return m ? m[1]!.replace(/\\(.)/g, '$1') : undefined;
}

export interface Resource {
  symbol: string;
  type: string;
  apiVersion: string;
  /** The loop variable when declared with [for x in xs: { ... }]. */
  loopVariable?: string;
  loopSource?: string;
  body: Map<string, Value>;
}

export interface BicepParam {
  name: string;
  type: string;
  hasDefault: boolean;
  defaultValue?: string;
  secure: boolean;
}

export interface BicepFile {
  path: string;
  text: string; // comments stripped
  params: BicepParam[];
  vars: Map<string, Value>;
  resources: Resource[];
  modules: Map<string, { path: string; params: Map<string, Value> }>;
  outputs: Map<string, Value>;
}

/** The expression after `=` that starts at `from`: up to the end of the line, or the closing bracket. */
function expressionAt(text: string, from: number): string {
  let i = from;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const start = i;
  while (i < text.length && text[i] !== '\n') {
    const ch = text[i]!;
    if (ch === "'") i = skipString(text, i);
    else if (PAIRS[ch]) i = closeOf(text, i) + 1;
    else i++;
  }
  return text.slice(start, i).trim();
}

export function readBicep(path: string): BicepFile {
  const text = stripComments(readFileSync(path, 'utf8'));
  const file: BicepFile = { path, text, params: [], vars: new Map(), resources: [], modules: new Map(), outputs: new Map() };

  // Top-level statements start in column 0; decorators (@...) attach to the next param.
  let decorators = '';
  let i = 0;
  while (i < text.length) {
    const lineEnd = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    const line = text.slice(i, lineEnd);
    let next = lineEnd + 1;
    if (line.startsWith('@')) {
      const open = line.indexOf('(');
      const end = open < 0 ? lineEnd : closeOf(text, i + open) + 1;
      decorators += text.slice(i, end) + '\n';
      next = text.indexOf('\n', end) < 0 ? text.length : text.indexOf('\n', end) + 1;
    } else if (/^param\s/.test(line)) {
      const m = /^param\s+(\w+)\s+(\w+)(\s*=)?/.exec(line);
      if (!m) throw new Error(`${path}: cannot read ${line}`);
      const defaultValue = m[3] ? expressionAt(text, i + m[0].length) : undefined;
      file.params.push({ name: m[1]!, type: m[2]!, hasDefault: m[3] !== undefined, defaultValue, secure: /@secure\(\)/.test(decorators) });
      if (defaultValue !== undefined) next = text.indexOf(defaultValue, i + m[0].length) + defaultValue.length;
      decorators = '';
    } else if (/^(var|output)\s/.test(line)) {
      const m = /^(var|output)\s+(\w+)(?:\s+\w+)?\s*=/.exec(line);
      if (!m) throw new Error(`${path}: cannot read ${line}`);
      const value = expressionAt(text, i + m[0].length);
      (m[1] === 'var' ? file.vars : file.outputs).set(m[2]!, value);
      next = text.indexOf(value, i) + value.length;
      decorators = '';
    } else if (/^resource\s/.test(line)) {
      const m = /^resource\s+(\w+)\s+'([^'@]+)@([^']+)'\s*(existing\s*)?=\s*/.exec(line);
      if (!m) throw new Error(`${path}: cannot read ${line}`);
      const exprStart = i + m[0].length;
      const expr = expressionAt(text, exprStart);
      let bodyText = expr;
      let loopVariable: string | undefined;
      let loopSource: string | undefined;
      const loop = /^\[\s*for\s+(\w+)\s+in\s+(\w+)\s*:\s*/.exec(expr);
      if (loop) {
        loopVariable = loop[1];
        loopSource = loop[2];
        bodyText = expr.slice(loop[0].length, -1);
      } else if (expr.startsWith('if')) {
        bodyText = expr.slice(closeOf(expr, expr.indexOf('(')) + 1);
      }
      file.resources.push({ symbol: m[1]!, type: m[2]!, apiVersion: m[3]!, loopVariable, loopSource, body: objectOf(bodyText) });
      next = text.indexOf(expr, i) + expr.length;
      decorators = '';
    } else if (/^module\s/.test(line)) {
      const m = /^module\s+(\w+)\s+'([^']+)'\s*=\s*/.exec(line);
      if (!m) throw new Error(`${path}: cannot read ${line}`);
      const expr = expressionAt(text, i + m[0].length);
      file.modules.set(m[1]!, { path: m[2]!, params: objectOf(prop(expr, 'params')) });
      next = text.indexOf(expr, i) + expr.length;
      decorators = '';
    } else if (line.trim() !== '') {
      decorators = '';
    }
    i = next;
  }
  return file;
}

/** Every resource of one type across the given files, with the file declaring it. */
export function resourcesOfType(files: BicepFile[], type: string): { file: BicepFile; resource: Resource }[] {
  return files.flatMap((file) => file.resources.filter((r) => r.type === type).map((resource) => ({ file, resource })));
}
