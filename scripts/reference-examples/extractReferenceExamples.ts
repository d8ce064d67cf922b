/**
 * Extracts the verbatim request and response examples of `../shared/reference/partner-center-api.md` (§2.3–2.4
 * error bodies, §3.x requests and responses) into data the conformance test runs
 * (`local/simulators/test/stack/partnerCenterReference.test.ts`). The fixture `test/conformance/referenceExamples.json` is
 * written from the document by `npm run reference:examples` and checked against it by the test whenever the
 * document is beside the checkout (CI has it; a developer clone may not).
 *
 * The examples are copied from Microsoft's docs with their defects (comments, trailing commas, `{...}`
 * placeholders, a stray `?`, curly quotes, missing commas, cut-off blocks). Each is kept verbatim in `body`; `json`
 * is the body after the repairs named in `repairs` — only those below, each undoing one kind of documentation
 * defect, never changing a name or a value.
 */

export interface ReferenceExample {
  /** `<section>#<n>`: the n-th code block of that section, e.g. `3.7#2`. */
  id: string;
  section: string;
  /** 1-based line of the opening fence in the document. */
  line: number;
  fence: string;
  kind: 'request' | 'response' | 'body';
  /** The paragraph before the block says the block is SYNTHESIZED (not from Microsoft's docs). */
  synthesized: boolean;
  method?: string;
  url?: string;
  status?: number;
  headers: Record<string, string>;
  /** The body exactly as the document has it ('' when none). */
  body: string;
  /** The body as JSON after the named repairs; absent when it is not JSON even then (e.g. a schema). */
  json?: unknown;
  repairs: string[];
}

const methods = /^(GET|POST|PUT|PATCH|DELETE)\b/;

/** The sections whose examples the conformance test runs. */
function inScope(section: string): boolean {
  return /^(2\.3|2\.4|3\.\d+)\b/.test(section);
}

export function extractReferenceExamples(markdown: string): ReferenceExample[] {
  const lines = markdown.split('\n');
  const examples: ReferenceExample[] = [];
  let section = '';
  let ordinal = 0;
  let prose: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const heading = /^#{2,3}\s+(\d+(?:\.\d+)?)\s/.exec(line);
    if (heading?.[1]) {
      section = heading[1];
      ordinal = 0;
      prose = [];
      continue;
    }
    const fence = /^```(\S*)\s*$/.exec(line);
    if (!fence) {
      if (line.trim()) prose.push(line);
      else if (prose.length > 0 && !lines[index + 1]?.startsWith('```')) prose = [];
      continue;
    }
    const start = index;
    const content: string[] = [];
    for (index += 1; index < lines.length && !/^\s*```\s*$/.test(lines[index] ?? ''); index++) {
      content.push(lines[index] ?? '');
    }
    if (!inScope(section)) continue;
    ordinal += 1;
    const synthesized = /SYNTHESIZED/.test(prose.slice(-3).join(' '));
    prose = [];
    examples.push({
      id: `${section}#${ordinal}`,
      section,
      line: start + 1,
      fence: fence[1] ?? '',
      synthesized,
      ...parseBlock(content),
    });
  }
  return examples;
}

type Parsed = Omit<ReferenceExample, 'id' | 'section' | 'line' | 'fence' | 'synthesized'>;

function parseBlock(content: string[]): Parsed {
  const rest = [...content];
  while (rest.length > 0 && !rest[0]?.trim()) rest.shift();
  // Two blocks begin with a stray `HTTP` line before the real start (§3.10, §3.11).
  if (rest[0]?.trim() === 'HTTP') rest.shift();
  const first = rest[0]?.trim() ?? '';
  let kind: Parsed['kind'] = 'body';
  let method: string | undefined;
  let url: string | undefined;
  let status: number | undefined;
  if (methods.test(first)) {
    kind = 'request';
    rest.shift();
    method = methods.exec(first)?.[1];
    let target = first.slice(method?.length ?? 0).trim();
    // §3.11: the URL is on its own line as a markdown link; §3.10: `HTTP/1.1` on a line of its own.
    if (!target) target = rest.shift()?.trim() ?? '';
    const link = /^\[([^\]]+)\]\(/.exec(target);
    if (link?.[1]) target = link[1];
    url = target.replace(/\s+HTTP\/1\.1\s*$/, '').trim();
    while (rest.length > 0 && (!rest[0]?.trim() || rest[0]?.trim() === 'HTTP/1.1')) rest.shift();
  } else if (/^HTTP\/1\.1\s+\d{3}/.test(first)) {
    kind = 'response';
    status = Number(/^HTTP\/1\.1\s+(\d{3})/.exec(first)?.[1]);
    rest.shift();
  }
  const headers: Record<string, string> = {};
  if (kind !== 'body') {
    while (rest.length > 0 && /^[A-Za-z][A-Za-z0-9-]*:\s?/.test(rest[0] ?? '')) {
      const header = rest.shift() ?? '';
      const colon = header.indexOf(':');
      headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
    }
  }
  const body = rest.join('\n').trim();
  const { json, repairs } = repairJson(body);
  return {
    kind,
    ...(method ? { method } : {}),
    ...(url ? { url } : {}),
    ...(status ? { status } : {}),
    headers,
    body,
    ...(json === undefined ? {} : { json }),
    repairs,
  };
}

/** Each documentation defect the docs' bodies have, and how it is undone. */
const repairSteps: { name: string; apply: (text: string) => string }[] = [
  { name: 'stray text before the JSON (`?{`)', apply: (t) => t.replace(/^[^{[]+(?=[{[])/, '') },
  {
    name: 'text after the JSON (a header line)',
    apply: (t) => t.replace(/\n(WWW-Authenticate|HTTP)[^\n]*\s*$/, ''),
  },
  { name: 'comments', apply: (t) => t.replace(/\/\*[\s\S]*?\*\//g, '') },
  { name: 'curly quotes', apply: (t) => t.replace(/[“”]/g, '"') },
  {
    name: '`{...}` / `{ ... }` placeholders (an object, contents not shown)',
    apply: (t) => t.replace(/\{\s*\.\.\.\s*\}/g, '{}'),
  },
  { name: '`...` lines (fields not shown)', apply: (t) => t.replace(/,?\s*\n\s*\.\.\.\s*(?=\n)/g, '') },
  { name: 'a `;` after a value', apply: (t) => t.replace(/";\s*$/gm, '",') },
  {
    name: 'an unterminated key (`"phoneNumber:"…`)',
    apply: (t) => t.replace(/"([A-Za-z]+):"/g, '"$1":"'),
  },
  {
    name: 'missing commas between members',
    apply: (t) => t.replace(/("|\d|true|false|null|[}\]])(\s*\n\s*)(?=")/g, '$1,$2'),
  },
  { name: 'trailing commas', apply: (t) => t.replace(/,(\s*[}\]])/g, '$1') },
  { name: 'cut-off block (closing brackets added)', apply: closeBrackets },
];

function closeBrackets(text: string): string {
  const open: string[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') open.push('}');
    else if (c === '[') open.push(']');
    else if (c === '}' || c === ']') open.pop();
  }
  return `${text}${open.reverse().join('')}`;
}

export function repairJson(body: string): { json?: unknown; repairs: string[] } {
  if (!/[{[]/.test(body)) return { repairs: [] };
  const repairs: string[] = [];
  let text = body;
  const attempt = (): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  };
  let json = attempt();
  for (const step of repairSteps) {
    if (json !== undefined) break;
    const repaired = step.apply(text);
    if (repaired === text) continue;
    text = repaired;
    repairs.push(step.name);
    json = attempt();
  }
  return json === undefined
    ? { repairs: [...repairs, 'not JSON even after the repairs'] }
    : { json, repairs };
}
