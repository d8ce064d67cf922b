import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { openJournal } from '../openJournal';

function aJournalPath(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'journal-')), 'state', 'journal.jsonl');
}

describe('openJournal', () => {
  it('recovers every appended record, in order, after the file is opened again', () => {
    const file = aJournalPath();
    const first = openJournal<{ n: number }>(file);
    expect(first.recovered).toEqual([]);
    first.append({ n: 1 });
    first.append({ n: 2 });
    first.close();

    const second = openJournal<{ n: number }>(file);
    expect(second.recovered).toEqual([{ n: 1 }, { n: 2 }]);
    second.close();
  });

  it('drops a torn last line and starts the next record on a line of its own', () => {
    const file = aJournalPath();
    const journal = openJournal<{ n: number }>(file);
    journal.append({ n: 1 });
    journal.close();
    appendFileSync(file, '{"n":');

    const reopened = openJournal<{ n: number }>(file);
    expect(reopened.recovered).toEqual([{ n: 1 }]);
    reopened.append({ n: 2 });
    reopened.close();
    expect(openJournal(file).recovered).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('refuses a corrupt line that is not the last', () => {
    const file = aJournalPath();
    openJournal(file).close();
    appendFileSync(file, 'not json\n{"n":1}\n');
    expect(() => openJournal(file)).toThrow(/journal.jsonl:1 is not a JSON record/);
  });

  it('rewrites the file atomically with the compacted records', () => {
    const file = aJournalPath();
    const journal = openJournal<{ n: number }>(file);
    journal.append({ n: 1 });
    journal.append({ n: 2 });
    expect(journal.bytesSinceRewrite).toBeGreaterThan(0);
    journal.rewrite([{ n: 3 }]);
    expect(journal.bytesSinceRewrite).toBe(0);
    journal.append({ n: 4 });
    journal.close();
    expect(readFileSync(file, 'utf8')).toBe('{"n":3}\n{"n":4}\n');
  });

  it('validates recovered records with the parser it is given', () => {
    const file = aJournalPath();
    const journal = openJournal(file);
    journal.append({ n: 'one' });
    journal.close();
    const parse = (value: unknown): { n: number } => {
      const n = (value as { n: unknown }).n;
      if (typeof n !== 'number') throw new Error('n must be a number');
      return { n };
    };
    expect(() => openJournal(file, { parse })).toThrow('n must be a number');
  });
});
