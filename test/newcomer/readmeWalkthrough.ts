/**
 * Reads the README as the newcomer test runs it: its fenced `bash` blocks in order, each split into commands, each
 * command with what the README says it shows. Pure (text in, values out); runNewcomerTest.ts executes them.
 *
 * What the README says a command shows is written `→ <status> <answer>` in a comment: on the command's own line
 * (`cmd   # → …`) or in the comment lines just before it. `<status>` is the HTTP status of the last `curl` in the
 * command; `<answer>` is JSON where `…` stands for what varies: a string with `…` matches any text there, `…` as an
 * array element allows other elements (without it the array has exactly the elements shown, in any order), objects
 * show only the fields that matter (others may be there), and `$NAME` in a string is the shell variable's value.
 *
 * Placeholders are filled from earlier answers: `NAME=…   # the <field> from the answer` takes `<field>` of the
 * previous command's answer; `<field>` in a command takes the newest earlier answer that has that field.
 *
 * A block the test cannot run is marked in the README by its first line: `# newcomer-test: not run (why)`.
 */

export interface WalkthroughCommand {
  /** The command as the README writes it (continuation lines joined as bash would see them). */
  text: string;
  /** Line number (1-based) in the README where it starts. */
  line: number;
  expectation: Expectation | undefined;
  /** `NAME=…   # the <field> from the answer`: filled from the previous answer. */
  placeholder?: { name: string; field: string };
}

export interface Expectation {
  status: number | undefined;
  answer: Pattern | undefined;
  /** The README's words, for the failure message. */
  source: string;
}

export interface WalkthroughBlock {
  line: number;
  /** Set when the README marks the block as one the test does not run. */
  notRun: string | undefined;
  commands: WalkthroughCommand[];
}

const notRunMark = /^#\s*newcomer-test:\s*not run\s*(?:\((.*)\))?\s*$/;

/** Every fenced `bash` block of the README, in order. */
export function readWalkthrough(readme: string): WalkthroughBlock[] {
  const lines = readme.split('\n');
  const blocks: WalkthroughBlock[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    if (!/^```bash\s*$/.test(lines[index] ?? '')) continue;
    const start = index + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end += 1;
    const mark = notRunMark.exec(lines[start]?.trim() ?? '');
    blocks.push({
      line: index + 1,
      notRun: mark ? (mark[1] ?? 'marked') : undefined,
      commands: splitCommands(lines.slice(start, end), start + 1),
    });
    index = end;
  }
  return blocks;
}

/** Splits bash lines into commands (quotes and `\` continuations kept together) with their expectations. */
export function splitCommands(lines: readonly string[], firstLine: number): WalkthroughCommand[] {
  const commands: WalkthroughCommand[] = [];
  let comments: string[] = [];
  let code = '';
  let codeLine = 0;
  let trailing = '';
  let quote: '"' | "'" | undefined;
  lines.forEach((line, offset) => {
    if (code === '' && quote === undefined) {
      if (line.trim() === '') return;
      if (line.trim().startsWith('#')) {
        comments.push(line.trim().replace(/^#+\s?/, ''));
        return;
      }
      codeLine = firstLine + offset;
    }
    let commentAt = -1;
    for (let at = 0; at < line.length; at += 1) {
      const char = line[at];
      if (quote === undefined && char === '#' && (at === 0 || /\s/.test(line[at - 1] ?? ''))) {
        commentAt = at;
        break;
      }
      if (char === '\\' && quote !== "'") {
        at += 1;
        continue;
      }
      if (char === '"' || char === "'") {
        if (quote === undefined) quote = char;
        else if (quote === char) quote = undefined;
      }
    }
    const codePart = commentAt === -1 ? line : line.slice(0, commentAt);
    if (commentAt !== -1) trailing += ` ${line.slice(commentAt).replace(/^#+\s?/, '')}`;
    code += codePart;
    if (quote !== undefined || /\\\s*$/.test(codePart)) {
      code += '\n';
      return;
    }
    const text = code.trimEnd();
    const placeholder = /^([A-Za-z_]\w*)=…$/.exec(text.trim());
    const field = /\bthe (\w+) from the answer/.exec(trailing);
    commands.push({
      text,
      line: codeLine,
      expectation: parseExpectation(trailing) ?? parseExpectation(comments.join(' ')),
      ...(placeholder && field ? { placeholder: { name: placeholder[1] ?? '', field: field[1] ?? '' } } : {}),
    });
    comments = [];
    code = '';
    trailing = '';
  });
  return commands;
}

/** The last `→ <status> <answer>` in a comment, or undefined when it says none. */
export function parseExpectation(comment: string): Expectation | undefined {
  const at = comment.lastIndexOf('→');
  if (at === -1) return undefined;
  const rest = comment.slice(at + 1).trim();
  const status = /^(\d{3})\b/.exec(rest);
  const afterStatus = status ? rest.slice(status[0].length).trim() : rest;
  let answer: Pattern | undefined;
  let source = status ? `→ ${status[1]}` : '→';
  if (afterStatus.startsWith('{') || afterStatus.startsWith('[')) {
    const parsed = parsePattern(afterStatus);
    answer = parsed.pattern;
    source += ` ${afterStatus.slice(0, parsed.end)}`;
  }
  if (!status && !answer) return undefined;
  return { status: status ? Number(status[1]) : undefined, answer, source };
}

// --- the answer patterns -------------------------------------------------------------------------------------

export type Pattern =
  | { kind: 'any' }
  | { kind: 'object'; fields: [string, Pattern][] }
  | { kind: 'array'; items: Pattern[]; more: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'literal'; value: number | boolean | null };

/** Parses a pattern at the start of `text`; `end` is where it stops (prose may follow). */
export function parsePattern(text: string): { pattern: Pattern; end: number } {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`README answer pattern: ${what} at ${at} in ${text}`);
  };
  const space = () => {
    while (at < text.length && /\s/.test(text[at] ?? '')) at += 1;
  };
  const value = (): Pattern => {
    space();
    const char = text[at];
    if (char === '…') {
      at += 1;
      return { kind: 'any' };
    }
    if (char === '{') {
      at += 1;
      const fields: [string, Pattern][] = [];
      for (;;) {
        space();
        if (text[at] === '}') {
          at += 1;
          return { kind: 'object', fields };
        }
        if (text[at] === '…') at += 1;
        else {
          const key = string();
          space();
          if (text[at] !== ':') fail('":" expected');
          at += 1;
          fields.push([key, value()]);
        }
        space();
        if (text[at] === ',') at += 1;
        else if (text[at] !== '}') fail('"," or "}" expected');
      }
    }
    if (char === '[') {
      at += 1;
      const items: Pattern[] = [];
      let more = false;
      for (;;) {
        space();
        if (text[at] === ']') {
          at += 1;
          return { kind: 'array', items, more };
        }
        const item = value();
        if (item.kind === 'any') more = true;
        else items.push(item);
        space();
        if (text[at] === ',') at += 1;
        else if (text[at] !== ']') fail('"," or "]" expected');
      }
    }
    if (char === '"') return { kind: 'string', value: string() };
    const literal = /^(-?\d+(?:\.\d+)?|true|false|null)/.exec(text.slice(at));
    if (!literal) return fail('a value expected');
    at += literal[0].length;
    return { kind: 'literal', value: JSON.parse(literal[0]) as number | boolean | null };
  };
  const string = (): string => {
    if (text[at] !== '"') fail('a string expected');
    const start = at;
    at += 1;
    while (at < text.length && text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    at += 1;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const pattern = value();
  return { pattern, end: at };
}

/**
 * Where `actual` departs from `pattern` (a path and what differs), or undefined when it matches. `variable` gives a
 * shell variable's value for `$NAME` in a pattern string.
 */
export function mismatch(
  pattern: Pattern,
  actual: unknown,
  variable: (name: string) => string = () => '',
  where = '$',
): string | undefined {
  switch (pattern.kind) {
    case 'any':
      return undefined;
    case 'literal':
      return actual === pattern.value
        ? undefined
        : `${where}: ${JSON.stringify(actual)} is not ${pattern.value}`;
    case 'string': {
      if (typeof actual !== 'string') return `${where}: ${JSON.stringify(actual)} is not a string`;
      const expected = pattern.value.replace(/\$([A-Za-z_]\w*)/g, (_, name: string) => variable(name));
      const regex = new RegExp(`^${expected.split('…').map(escapeRegExp).join('[\\s\\S]*')}$`);
      return regex.test(actual) ? undefined : `${where}: ${JSON.stringify(actual)} is not "${expected}"`;
    }
    case 'object': {
      if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
        return `${where}: ${JSON.stringify(actual)} is not an object`;
      }
      for (const [key, field] of pattern.fields) {
        if (!(key in actual)) return `${where}.${key} is missing`;
        const found = mismatch(field, (actual as Record<string, unknown>)[key], variable, `${where}.${key}`);
        if (found) return found;
      }
      return undefined;
    }
    case 'array': {
      if (!Array.isArray(actual)) return `${where}: ${JSON.stringify(actual)} is not an array`;
      if (!pattern.more && actual.length !== pattern.items.length) {
        return `${where}: ${actual.length} elements, not ${pattern.items.length}`;
      }
      const unused: unknown[] = [...(actual as unknown[])];
      for (const [index, item] of pattern.items.entries()) {
        const match = unused.findIndex((candidate) => mismatch(item, candidate, variable) === undefined);
        if (match === -1) {
          const closest =
            actual.length === 1 ? mismatch(item, actual[0], variable, `${where}[0]`) : undefined;
          return closest ?? `${where}: no element matches the ${ordinal(index + 1)} one shown`;
        }
        unused.splice(match, 1);
      }
      return undefined;
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function ordinal(n: number): string {
  return n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}

/** The value of `field` in the newest answer that has it (searched through nested objects and arrays). */
export function findField(answers: readonly unknown[], field: string): string | undefined {
  const search = (value: unknown): string | undefined => {
    if (Array.isArray(value)) {
      for (const item of value) {
        const found = search(item);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    if (typeof value !== 'object' || value === null) return undefined;
    const direct = (value as Record<string, unknown>)[field];
    if (typeof direct === 'string' || typeof direct === 'number') return String(direct);
    for (const nested of Object.values(value)) {
      const found = search(nested);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  for (const answer of [...answers].reverse()) {
    const found = search(answer);
    if (found !== undefined) return found;
  }
  return undefined;
}
