import { createRouteConstraint, type RouteConstraint } from './createRouteConstraint';

interface LiteralPart {
  kind: 'literal';
  text: string;
}

interface ParameterPart {
  kind: 'parameter';
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue: string | undefined;
  constraints: RouteConstraint[];
}

type Part = LiteralPart | ParameterPart;

interface Segment {
  parts: Part[];
  /** Only for complex segments (more than one part, e.g. `{name}.{ext}`). */
  pattern?: RegExp;
}

/**
 * An ASP.NET Core route template, the syntax of a Functions HTTP trigger's `route`: literal segments (matched
 * case-insensitively), `{name}`, constraints `{id:int}` `{x:regex(^a$)}` (several may be chained), optional
 * `{x?}`, defaults `{x=5}`, catch-all `{*rest}` / `{**rest}`, complex segments `{name}.{ext}`, and `{{` `}}` for
 * literal braces (also inside a regex constraint, as in ASP.NET).
 */
export class RouteTemplate {
  readonly template: string;
  /** ASP.NET's inbound precedence, one digit per segment: lower matches first (literal 1 … catch-all 5). */
  readonly precedence: string;
  readonly #segments: Segment[];

  private constructor(template: string, segments: Segment[]) {
    this.template = template;
    this.#segments = segments;
    this.precedence = segments.map(segmentPrecedence).join('');
  }

  static parse(template: string): RouteTemplate {
    const trimmed = template.replace(/^~?\/+/, '').replace(/\/+$/, '');
    const segments = trimmed === '' ? [] : splitSegments(trimmed).map((text) => parseSegment(text, template));
    segments.forEach((segment, index) => {
      for (const part of segment.parts) {
        if (part.kind === 'parameter' && part.catchAll && index !== segments.length - 1) {
          throw new Error(`Route "${template}": a catch-all parameter must be the last segment.`);
        }
      }
    });
    return new RouteTemplate(template, segments);
  }

  /** Matches decoded path segments; returns the route values (absent optional values are left out) or undefined. */
  match(pathSegments: readonly string[]): Record<string, string> | undefined {
    const values: Record<string, string> = {};
    const segments = this.#segments;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i] as Segment;
      const simple = segment.parts.length === 1 ? (segment.parts[0] as Part) : undefined;
      if (simple?.kind === 'parameter' && simple.catchAll) {
        const rest = pathSegments.slice(i).join('/');
        if (rest === '') {
          if (simple.defaultValue !== undefined) {
            values[simple.name] = simple.defaultValue;
          }
        } else if (simple.constraints.every((check) => check(rest))) {
          values[simple.name] = rest;
        } else {
          return undefined;
        }
        return values;
      }
      const value = pathSegments[i];
      if (value === undefined) {
        if (simple?.kind === 'parameter' && (simple.optional || simple.defaultValue !== undefined)) {
          if (simple.defaultValue !== undefined) {
            values[simple.name] = simple.defaultValue;
          }
          continue;
        }
        return undefined;
      }
      if (value === '') {
        return undefined;
      }
      if (simple?.kind === 'literal') {
        if (simple.text.toLowerCase() !== value.toLowerCase()) {
          return undefined;
        }
      } else if (simple?.kind === 'parameter') {
        if (!simple.constraints.every((check) => check(value))) {
          return undefined;
        }
        values[simple.name] = value;
      } else if (!matchComplex(segment, value, values)) {
        return undefined;
      }
    }
    return pathSegments.length > segments.length ? undefined : values;
  }
}

function matchComplex(segment: Segment, value: string, values: Record<string, string>): boolean {
  const found = segment.pattern?.exec(value);
  if (!found) {
    return false;
  }
  let group = 1;
  for (const part of segment.parts) {
    if (part.kind !== 'parameter') {
      continue;
    }
    const partValue = found[group++];
    if (partValue === undefined) {
      if (part.defaultValue !== undefined) {
        values[part.name] = part.defaultValue;
      }
      continue;
    }
    if (!part.constraints.every((check) => check(partValue))) {
      return false;
    }
    values[part.name] = partValue;
  }
  return true;
}

function segmentPrecedence(segment: Segment): string {
  if (segment.parts.length > 1) {
    return '2';
  }
  const part = segment.parts[0] as Part;
  if (part.kind === 'literal') {
    return '1';
  }
  if (part.catchAll) {
    return '5';
  }
  return part.constraints.length > 0 ? '3' : '4';
}

/** Splits on `/` outside of `{...}` (a regex constraint may contain a slash). */
function splitSegments(template: string): string[] {
  const segments: string[] = [];
  let current = '';
  let depth = 0;
  for (let i = 0; i < template.length; i++) {
    const char = template[i] as string;
    const next = template[i + 1];
    if ((char === '{' && next === '{') || (char === '}' && next === '}')) {
      current += char + next;
      i++;
      continue;
    }
    if (char === '{') {
      depth++;
    } else if (char === '}') {
      depth = Math.max(0, depth - 1);
    } else if (char === '/' && depth === 0) {
      segments.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  segments.push(current);
  return segments;
}

function parseSegment(text: string, template: string): Segment {
  if (text === '') {
    throw new Error(`Route "${template}": empty segment (two slashes in a row).`);
  }
  const parts: Part[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    const next = text[i + 1];
    if ((char === '{' && next === '{') || (char === '}' && next === '}')) {
      literal += char;
      i++;
    } else if (char === '{') {
      let body = '';
      let closed = false;
      for (i = i + 1; i < text.length; i++) {
        const inner = text[i] as string;
        const after = text[i + 1];
        if ((inner === '{' && after === '{') || (inner === '}' && after === '}')) {
          body += inner;
          i++;
        } else if (inner === '}') {
          closed = true;
          break;
        } else {
          body += inner;
        }
      }
      if (!closed) {
        throw new Error(`Route "${template}": unclosed "{" in segment "${text}".`);
      }
      if (literal !== '') {
        parts.push({ kind: 'literal', text: literal });
        literal = '';
      }
      parts.push(parseParameter(body, template));
    } else if (char === '}') {
      throw new Error(
        `Route "${template}": unmatched "}" in segment "${text}" (use "}}" for a literal brace).`,
      );
    } else {
      literal += char;
    }
  }
  if (literal !== '') {
    parts.push({ kind: 'literal', text: literal });
  }
  if (parts.length === 1) {
    return { parts };
  }
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as Part;
    if (part.kind === 'parameter' && part.catchAll) {
      throw new Error(`Route "${template}": a catch-all parameter cannot be part of a complex segment.`);
    }
    if (part.kind === 'parameter' && part.optional && index !== parts.length - 1) {
      throw new Error(`Route "${template}": an optional parameter must be at the end of a segment.`);
    }
    if (index > 0 && part.kind === 'parameter' && parts[index - 1]?.kind === 'parameter') {
      throw new Error(`Route "${template}": two parameters in a segment need a literal between them.`);
    }
  }
  // Greedy groups reproduce ASP.NET's right-to-left matching of complex segments: in `{a}.{b}`, "x.y.z" gives
  // a = "x.y", b = "z". An optional last parameter takes its preceding literal with it (`{name}.{ext?}`).
  let source = '';
  parts.forEach((part, index) => {
    if (part.kind === 'literal') {
      const nextPart = parts[index + 1];
      const optionalNext = nextPart?.kind === 'parameter' && nextPart.optional;
      source += optionalNext ? `(?:${escapeRegExp(part.text)}` : escapeRegExp(part.text);
    } else {
      source += part.optional ? '(.+))?' : '(.+)';
    }
  });
  return { parts, pattern: new RegExp(`^${source}$`, 'i') };
}

function parseParameter(body: string, template: string): ParameterPart {
  let i = 0;
  let catchAll = false;
  while (body[i] === '*') {
    catchAll = true;
    i++;
  }
  let name = '';
  while (i < body.length && !':?='.includes(body[i] as string)) {
    name += body[i];
    i++;
  }
  if (name === '' || /[{}/*?]/.test(name)) {
    throw new Error(`Route "${template}": invalid parameter "{${body}}".`);
  }
  const constraints: RouteConstraint[] = [];
  while (body[i] === ':') {
    i++;
    let constraintName = '';
    while (i < body.length && /[A-Za-z0-9_]/.test(body[i] as string)) {
      constraintName += body[i];
      i++;
    }
    let argument: string | undefined;
    if (body[i] === '(') {
      // As ASP.NET does: the argument ends at the first ")" followed by ":", "?", "=" or the end.
      let end = -1;
      for (let j = i + 1; j < body.length; j++) {
        if (body[j] === ')' && (j + 1 === body.length || ':?='.includes(body[j + 1] as string))) {
          end = j;
          break;
        }
      }
      if (end < 0) {
        throw new Error(`Route "${template}": unclosed "(" in constraint of "{${body}}".`);
      }
      argument = body.slice(i + 1, end);
      i = end + 1;
    }
    constraints.push(createRouteConstraint(constraintName, argument));
  }
  let optional = false;
  if (body[i] === '?') {
    optional = true;
    i++;
  }
  let defaultValue: string | undefined;
  if (body[i] === '=') {
    defaultValue = body.slice(i + 1);
    i = body.length;
  }
  if (i !== body.length) {
    throw new Error(`Route "${template}": cannot parse parameter "{${body}}".`);
  }
  if (optional && defaultValue !== undefined) {
    throw new Error(`Route "${template}": "{${body}}" cannot be optional and have a default value.`);
  }
  if (catchAll && optional) {
    throw new Error(`Route "${template}": a catch-all parameter cannot be marked optional.`);
  }
  return { kind: 'parameter', name, optional, catchAll, defaultValue, constraints };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
