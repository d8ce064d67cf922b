import fs from 'node:fs';
import path from 'node:path';

/**
 * Expands a `package.json` `main` pattern the way the worker's `globby(main, { cwd })` does for the patterns apps
 * use: `*`, `?`, `[...]`, `**`, `{a,b}`; no dot files for wildcards; `node_modules` is never searched by `**`.
 * Node 20 has no `fs.glob`, and the project adds no dependency for this. Returns paths relative to `cwd`, sorted
 * (globby's order is the file system's; sorted is deterministic).
 */
export function expandGlob(pattern: string, cwd: string): string[] {
  const found = new Set<string>();
  for (const alternative of expandBraces(pattern.replace(/\\/g, '/'))) {
    const segments = alternative
      .split('/')
      .filter((segment, index) => segment !== '' && !(segment === '.' && index === 0));
    walk(cwd, '', segments, found);
  }
  return [...found].sort();
}

function walk(root: string, relative: string, segments: string[], found: Set<string>): void {
  const [segment, ...rest] = segments;
  const absolute = path.join(root, relative);
  if (segment === undefined) {
    if (isFile(absolute)) {
      found.add(relative);
    }
    return;
  }
  if (segment === '**') {
    // Zero directories, then one more level with `**` still in front.
    walk(root, relative, rest, found);
    for (const entry of readDir(absolute)) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') {
        walk(root, join(relative, entry.name), segments, found);
      }
    }
    return;
  }
  if (!/[*?[]/.test(segment)) {
    walk(root, join(relative, segment), rest, found);
    return;
  }
  const matcher = segmentToRegExp(segment);
  for (const entry of readDir(absolute)) {
    if (entry.name.startsWith('.') && !segment.startsWith('.')) {
      continue;
    }
    if (matcher.test(entry.name) && (rest.length === 0 || entry.isDirectory())) {
      walk(root, join(relative, entry.name), rest, found);
    }
  }
}

function join(relative: string, name: string): string {
  return relative === '' ? name : `${relative}/${name}`;
}

function readDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function segmentToRegExp(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i] as string;
    if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) {
        source += '\\[';
      } else {
        const body = segment
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = end;
      }
    } else {
      source += char.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** `a/{b,c}/{d,e}.js` → four patterns; nested braces work. */
function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) {
    return [pattern];
  }
  let depth = 0;
  const parts: string[] = [];
  let start = open + 1;
  for (let i = open; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '{') {
      depth++;
    } else if (char === '}') {
      depth--;
      if (depth === 0) {
        parts.push(pattern.slice(start, i));
        const before = pattern.slice(0, open);
        const after = pattern.slice(i + 1);
        return parts.flatMap((part) => expandBraces(`${before}${part}${after}`));
      }
    } else if (char === ',' && depth === 1) {
      parts.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  return [pattern];
}
