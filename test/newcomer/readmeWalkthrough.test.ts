import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  findField,
  mismatch,
  parseExpectation,
  parsePattern,
  readWalkthrough,
  splitCommands,
} from './readmeWalkthrough';

const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('the README as the newcomer test reads it', () => {
  const blocks = readWalkthrough(readme);

  it('runs every bash block but the few marked, and every curl in them says what it shows', () => {
    expect(blocks.filter((block) => block.notRun).length).toBeLessThanOrEqual(4);
    const run = blocks.filter((block) => !block.notRun);
    const curls = run.flatMap((block) => block.commands).filter((command) => /^curl\s/.test(command.text));
    expect(curls.length).toBeGreaterThanOrEqual(19);
    for (const command of curls) {
      expect(command.expectation, `README line ${command.line}: ${command.text}`).toBeDefined();
      expect(command.expectation?.status, `README line ${command.line}`).toBeDefined();
    }
    const placeholders = run
      .flatMap((block) => block.commands)
      .flatMap((command) => command.placeholder ?? []);
    expect(placeholders).toEqual([
      { name: 'PURCHASE', field: 'purchaseId' },
      { name: 'TRANSITION', field: 'transitionId' },
    ]);
  });

  it('begins with npm start on the default port: the first run block names http://localhost:7071', () => {
    const first = blocks.find(
      (block) => !block.notRun && block.commands.some((c) => c.text.startsWith('B=')),
    );
    expect(first?.commands[0]?.text).toBe('B=http://localhost:7071/api');
  });
});

describe('reading commands and what they show', () => {
  it('keeps continuation lines and quoted newlines in one command, with its own or the preceding → comment', () => {
    const commands = splitCommands(
      [
        '# 1. Register → 201 {"id":"contoso"} (200 when it exists).',
        "curl -s -X PUT $B/c -H 'x: #1' \\",
        `  -d '{"a":1,`,
        `       "b":2}'`,
        'npm run -s notifications -- --purchase $P   # → [{ "type": "mcaInvitation", … }]',
        'PURCHASE=…   # the purchaseId from the answer',
        'curl -s $B/x "<acceptUrl>"',
      ],
      10,
    );
    expect(commands.map((command) => [command.line, command.expectation?.status])).toEqual([
      [11, 201],
      [14, undefined],
      [15, undefined],
      [16, undefined],
    ]);
    expect(commands[0]?.text).toBe(`curl -s -X PUT $B/c -H 'x: #1' \\\n  -d '{"a":1,\n       "b":2}'`);
    expect(commands[1]?.expectation?.source).toBe('→ [{ "type": "mcaInvitation", … }]');
    expect(commands[2]?.placeholder).toEqual({ name: 'PURCHASE', field: 'purchaseId' });
  });

  it('a block is not run only when its first line says so', () => {
    const blocks = readWalkthrough(
      [
        '```bash',
        '# newcomer-test: not run (needs Core Tools)',
        'func start',
        '```',
        '```bash',
        'ls',
        '```',
      ].join('\n'),
    );
    expect(blocks.map((block) => block.notRun)).toEqual(['needs Core Tools', undefined]);
  });
});

describe('an answer against what the README shows', () => {
  const shows = (text: string) => parsePattern(text).pattern;

  it('matches the fields shown, strings with … anywhere, $NAME as the variable, arrays by their elements', () => {
    const answer = {
      status: 'completed',
      statusUrl: '/api/purchases/42',
      order: { lineItems: [{ offerId: 'DZH318Z0BPS6:0001', quantity: 1, subscriptionId: 'plan-1' }] },
      extra: true,
    };
    const pattern = shows(
      '{"status":"completed","statusUrl":"/api/purchases/…","order":{"lineItems":[{"subscriptionId":"$PLAN","quantity":1}]}}',
    );
    expect(mismatch(pattern, answer, (name) => (name === 'PLAN' ? 'plan-1' : ''))).toBeUndefined();
  });

  it('an edited walkthrough fails until the answer matches it', () => {
    const answer = { status: 'completed', items: [{ id: 'a' }, { id: 'b' }] };
    expect(mismatch(shows('{"status":"provisioning"}'), answer)).toBe(
      '$.status: "completed" is not "provisioning"',
    );
    expect(mismatch(shows('{"items":[{"id":"a"}]}'), answer)).toBe('$.items: 2 elements, not 1');
    expect(mismatch(shows('{"items":[{"id":"a"},…]}'), answer)).toBeUndefined();
    expect(mismatch(shows('{"items":[{"id":"c"},…]}'), answer)).toBe(
      '$.items: no element matches the 1st one shown',
    );
    expect(mismatch(shows('{"missing":…}'), answer)).toBe('$.missing is missing');
    expect(parseExpectation('then start → 202 {"transitionId":"…"} and more words')).toMatchObject({
      status: 202,
      source: '→ 202 {"transitionId":"…"}',
    });
  });

  it('fills a placeholder from the newest answer that has the field', () => {
    const answers = [{ acceptUrl: 'old' }, [{ type: 'mcaInvitation', acceptUrl: 'new' }], { other: 1 }];
    expect(findField(answers, 'acceptUrl')).toBe('new');
    expect(findField(answers, 'batchId')).toBeUndefined();
  });
});
