/**
 * `npm run test:newcomer` (the last step of `npm test`): the README, exactly as a newcomer follows it.
 *
 * In a fresh copy of the repository's files (git's tracked and new files as they are in the working tree, with
 * node_modules linked; a developer's own `.local-state/`, `local.settings.json` and `dist/` are not there), with
 * none of the service's settings in the environment:
 *
 * 1. `npm start`, as the README says: default ports, default state folder (`.local-state/` of the copy);
 * 2. the README's fenced bash blocks in order, in one bash session, each command's answer checked against what the
 *    README says it shows (`→ <status> <answer>`, see readmeWalkthrough.ts); a read that does not match yet is
 *    asked again for a while, as a person would (a purchase takes seconds to complete);
 * 3. two more invited purchases, waiting; Ctrl-C as a terminal sends it (SIGINT to npm's process group); `npm start`:
 *    the purchases wait, the first one's emailed link completes it, the walkthrough's purchase and plan are there;
 * 4. `kill -9` of every process npm start runs; `npm start`: the same, with the second waiting purchase.
 *
 * It needs the default ports (7071, 8081, 10000-10002, 7310-7312) free, and refuses to start otherwise.
 * Options: `--keep` leaves the copy (its path is printed) for a look at `.local-state/`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { QueueClient } from '@azure/storage-queue';
import { devStorageConnectionString } from '@azure-plan-local/stores';

import { azuriteHasSaved } from '../support/azuriteSaved';
import { eventually } from '../support/eventually';
import { alive, killTree, processTree } from '../support/processes';
import {
  findField,
  mismatch,
  readWalkthrough,
  type WalkthroughBlock,
  type WalkthroughCommand,
} from './readmeWalkthrough';

const repositoryRoot = path.resolve(__dirname, '..', '..');
const defaultPorts = [7071, 8081, 10000, 10001, 10002, 7310, 7311, 7312];
const keep = process.argv.includes('--keep');
/** How long a read that does not show what the README says yet is asked again. */
const settleMs = 120_000;
const started = Date.now();

function log(line: string): void {
  console.log(`[newcomer ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
}

class Failure extends Error {}

// --- the copy ------------------------------------------------------------------------------------------------

/** The repository's files as a clone would have them (the working tree's content), node_modules linked. */
function freshCopy(): string {
  const copy = mkdtempSync(path.join(tmpdir(), 'newcomer-'));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repositoryRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const file of new Set(listed.split('\0').filter(Boolean))) {
    const from = path.join(repositoryRoot, file);
    if (!existsSync(from) || !statSync(from).isFile()) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    copyFileSync(from, path.join(copy, file));
  }
  symlinkSync(path.join(repositoryRoot, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  return copy;
}

/** The environment of a newcomer's terminal: none of the service's settings, no npm run context. */
function newcomerEnvironment(): NodeJS.ProcessEnv {
  const sample = JSON.parse(
    readFileSync(path.join(repositoryRoot, 'local.settings.sample.json'), 'utf8'),
  ) as {
    Values: Record<string, string>;
  };
  const settings = new Set([
    ...Object.keys(sample.Values),
    ...['PORT', 'AZURITE_BLOB_PORT', 'AZURITE_QUEUE_PORT', 'AZURITE_TABLE_PORT', 'COSMOS_PORT'],
    ...['LOCAL_STATE', 'LOCAL_STATE_DIR', 'APP_DIR', 'SIMULATOR_PORTS', 'SIMULATOR_PROVISIONING_SECONDS'],
    ...['LOCAL_HOST_QUEUE_LEASE_SECONDS', 'SERVICE_LOGS'],
  ]);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (settings.has(name) || name.startsWith('npm_') || name.startsWith('VITEST') || name === 'INIT_CWD')
      continue;
    env[name] = value;
  }
  // npm run puts node_modules/.bin first; a terminal has the PATH without it.
  env.PATH = (env.PATH ?? '')
    .split(path.delimiter)
    .filter(
      (entry) => !entry.includes(`${path.sep}node_modules${path.sep}.bin`) && !entry.includes('node-gyp-bin'),
    )
    .join(path.delimiter);
  return env;
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

// --- npm start as a terminal job -----------------------------------------------------------------------------

interface NpmStart {
  child: ChildProcess;
  output(): string;
  exited: Promise<void>;
}

async function npmStart(copy: string, env: NodeJS.ProcessEnv, label: string): Promise<NpmStart> {
  log(`npm start (${label})`);
  // Its own process group, as a shell's job: Ctrl-C reaches the whole group.
  const child = spawn('npm', ['start'], {
    cwd: copy,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 180_000;
  let gone = false;
  void exited.then(() => (gone = true));
  while (!/Azure plan purchase service is running/.test(output)) {
    if (gone || Date.now() > deadline) {
      killTree(child.pid ?? 0);
      throw new Failure(`npm start (${label}) did not come up:\n${output}`);
    }
    await delay(100);
  }
  const expectations: [RegExp, string][] = [
    [/Functions host\s+http:\/\/localhost:7071\b/, 'the host on http://localhost:7071'],
    [/State\s+\.local-state \(kept across restarts/, 'the state in .local-state'],
    [/blob 10000, queue 10001, table 10002; on disk/, 'Azurite on 10000-10002, on disk'],
    [/Cosmos DB server at http:\/\/127\.0\.0\.1:8081 \(on disk/, 'Cosmos DB on 8081, on disk'],
    [
      /Partner Center http:\/\/127\.0\.0\.1:7310, ARM http:\/\/127\.0\.0\.1:7311/,
      'the simulators on 7310-7312',
    ],
  ];
  for (const [pattern, what] of expectations) {
    if (!pattern.test(output)) throw new Failure(`npm start (${label}) does not run ${what}:\n${output}`);
  }
  for (const folder of ['azurite', 'cosmos', 'simulators', 'durable', 'timers']) {
    if (!existsSync(path.join(copy, '.local-state', folder))) {
      throw new Failure(`npm start (${label}) keeps nothing in .local-state/${folder}`);
    }
  }
  return { child, output: () => output, exited };
}

async function untilGone(pids: number[], what: string, timeoutMs = 30_000): Promise<void> {
  await eventually(() => !pids.some(alive), timeoutMs, {
    what: () => `${what}: processes ${pids.filter(alive).join(', ')} still run`,
    intervalMs: 50,
  }).catch((error: unknown) => {
    throw new Failure((error as Error).message);
  });
}

/** Ctrl-C in the terminal: SIGINT to npm's process group; everything npm start started must be gone. */
async function ctrlC(running: NpmStart): Promise<void> {
  const tree = processTree(running.child.pid ?? 0);
  log(`Ctrl-C (SIGINT to the process group of npm, ${tree.length} processes)`);
  process.kill(-(running.child.pid ?? 0), 'SIGINT');
  await Promise.race([running.exited, delay(40_000)]);
  await untilGone(tree, 'after Ctrl-C');
  if (!/stopped the local Functions host/.test(running.output())) {
    throw new Failure(`Ctrl-C did not stop npm start in order:\n${running.output().slice(-2000)}`);
  }
}

/** `kill -9` of every process npm start runs. */
async function killEverything(running: NpmStart): Promise<void> {
  const tree = killTree(running.child.pid ?? 0);
  log(`kill -9 of ${tree.length} processes`);
  await untilGone(tree, 'after kill -9');
}

// --- the README in one bash session --------------------------------------------------------------------------

interface Answer {
  exitCode: number;
  stdout: string;
  stderr: string;
  status: number | undefined;
  /** The `Location` header of the last response, if any. */
  location?: string | undefined;
}

/** One bash process for the whole walkthrough, so variables carry from block to block as in a terminal. */
class BashSession {
  private readonly bash: ChildProcess;
  private buffer = '';
  private sequence = 0;

  constructor(
    private readonly cwd: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd, env, stdio: ['pipe', 'pipe', 'inherit'] });
    this.bash.stdout?.on('data', (chunk: Buffer) => (this.buffer += chunk.toString('utf8')));
  }

  private file(name: string): string {
    return path.join(this.cwd, '.newcomer', name);
  }

  async start(): Promise<void> {
    mkdirSync(path.join(this.cwd, '.newcomer'), { recursive: true });
    // Every curl also dumps its response headers, so the test sees the status the README talks about.
    await this.raw(`curl() { command curl -D '${this.file('headers')}' "$@"; }`);
  }

  private async raw(script: string): Promise<string> {
    this.sequence += 1;
    const marker = `__newcomer_done_${this.sequence}__`;
    this.bash.stdin?.write(`${script}\necho "${marker}"\n`);
    const deadline = Date.now() + 120_000;
    while (!this.buffer.includes(marker)) {
      if (Date.now() > deadline) throw new Failure(`bash did not finish: ${script}`);
      await delay(20);
    }
    const output = this.buffer.slice(0, this.buffer.indexOf(marker));
    this.buffer = this.buffer.slice(this.buffer.indexOf(marker) + marker.length + 1);
    return output;
  }

  /** Runs one command in the session (its assignments stay), capturing what it printed and curl's status. */
  async run(command: string): Promise<Answer> {
    rmSync(this.file('headers'), { force: true });
    const exitCode = Number(
      (
        await this.raw(
          `{\n${command}\n} > '${this.file('stdout')}' 2> '${this.file('stderr')}' < /dev/null; echo $?`,
        )
      ).trim(),
    );
    const headers = existsSync(this.file('headers')) ? readFileSync(this.file('headers'), 'utf8') : '';
    const statuses = [...headers.matchAll(/^HTTP\/[\d.]+ (\d{3})/gm)].map((match) => Number(match[1]));
    const lastResponse = headers.slice(headers.lastIndexOf('HTTP/'));
    return {
      exitCode,
      stdout: readFileSync(this.file('stdout'), 'utf8'),
      stderr: readFileSync(this.file('stderr'), 'utf8'),
      status: statuses.at(-1),
      location: /^location:\s*(\S+)/im.exec(lastResponse)?.[1],
    };
  }

  async variable(name: string): Promise<string> {
    return (await this.raw(`printf '%s\\n' "$${name}"`)).replace(/\n$/, '');
  }

  close(): void {
    this.bash.stdin?.end();
    this.bash.kill();
  }
}

function parseAnswer(stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    return undefined;
  }
}

/** A command that only reads (no method but GET, no body): safe to ask again. */
function isRead(command: string): boolean {
  return !/-X\s+(POST|PUT|PATCH|DELETE)\b/.test(command) && !/\s-d\s/.test(command);
}

async function runCommand(bash: BashSession, command: WalkthroughCommand, answers: unknown[]): Promise<void> {
  if (command.placeholder) {
    const value = findField(answers.slice(-1), command.placeholder.field);
    if (value === undefined) {
      throw new Failure(
        `README line ${command.line}: the previous answer has no ${command.placeholder.field} for ${command.placeholder.name}`,
      );
    }
    await bash.run(`${command.placeholder.name}='${value}'`);
    log(`  ${command.placeholder.name}=${value}`);
    return;
  }
  let text = command.text;
  for (const [whole, field] of text.matchAll(/<([A-Za-z]\w*)>/g)) {
    const value = findField(answers, field ?? '');
    if (value === undefined)
      throw new Failure(`README line ${command.line}: no earlier answer has ${field} for ${whole}`);
    text = text.replace(whole, value);
  }
  log(`  $ ${command.text.split('\n')[0]}${command.text.includes('\n') ? ' …' : ''}`);
  const deadline = Date.now() + (isRead(text) ? settleMs : 0);
  for (;;) {
    const answer = await untilMicrosoftFinished(bash, text, command, await bash.run(text));
    const problem = await check(bash, command, answer);
    if (!problem) {
      const parsed = parseAnswer(answer.stdout);
      if (parsed !== undefined) answers.push(parsed);
      if (answer.stdout.trim())
        log(`    ${answer.status ?? ''} ${answer.stdout.replace(/\s+/g, ' ').slice(0, 160)}`);
      return;
    }
    // A read that answers as the README says, only not yet (a purchase completing), is asked again for a while; a
    // different status is an answer.
    const statusDiffers =
      command.expectation?.status !== undefined && answer.status !== command.expectation.status;
    if (statusDiffers || Date.now() > deadline) {
      throw new Failure(
        [
          `README line ${command.line}: the answer is not what the README says it shows.`,
          `  command:  ${text}`,
          `  README:   ${command.expectation?.source ?? '(says nothing about what it shows)'}`,
          `  problem:  ${problem}`,
          `  answered: ${answer.status ?? '-'} ${answer.stdout.trim()}${answer.stderr.trim() ? `\n  stderr:   ${answer.stderr.trim()}` : ''}`,
        ].join('\n'),
      );
    }
    await delay(500);
  }
}

/**
 * A reservation or an Azure subscription answers 201 when Microsoft finished within the request, else 202 with the
 * `Location` of an operation to poll (docs/workflows.md: "their requests wait a few seconds for Microsoft, then answer 202").
 * Where the README shows the 201, a 202 is followed as a reader would: its Location is read (with the command's own
 * token) until the operation is no longer running, and what it bought is the answer.
 */
async function untilMicrosoftFinished(
  bash: BashSession,
  text: string,
  command: WalkthroughCommand,
  answer: Answer,
): Promise<Answer> {
  if (command.expectation?.status !== 201 || answer.status !== 202 || !answer.location) return answer;
  const token = /authorization: Bearer (\$\w+)/i.exec(text)?.[1] ?? '$TOKEN';
  const base = /(https?:\/\/[^/\s"]+)/.exec(await bash.variable('B'))?.[1] ?? 'http://localhost:7071';
  const poll = `curl -s "${base}${answer.location}" -H "authorization: Bearer ${token}"`;
  log(`    202: reading its Location until Microsoft finished (${answer.location})`);
  const deadline = Date.now() + settleMs;
  for (;;) {
    const polled = await bash.run(poll);
    const operation = parseAnswer(polled.stdout) as
      { status?: string; order?: unknown; azureEntitlement?: unknown } | undefined;
    if (polled.status === 200 && operation?.status !== 'running') {
      const bought = operation?.order ?? operation?.azureEntitlement;
      return bought === undefined
        ? { ...polled, status: 202 }
        : { ...polled, status: 201, stdout: JSON.stringify(bought) };
    }
    if (Date.now() > deadline) return answer;
    await delay(1000);
  }
}

async function check(
  bash: BashSession,
  command: WalkthroughCommand,
  answer: Answer,
): Promise<string | undefined> {
  if (answer.exitCode !== 0) return `exit code ${answer.exitCode}`;
  const { expectation } = command;
  if (!expectation) {
    return answer.stdout.trim() === ''
      ? undefined
      : 'it prints an answer but the README does not say what it shows (write "# → <status> <answer>")';
  }
  if (expectation.status !== undefined && answer.status !== expectation.status) {
    return `HTTP ${answer.status ?? '(no curl)'}, the README says ${expectation.status}`;
  }
  if (expectation.answer) {
    const parsed = parseAnswer(answer.stdout);
    if (parsed === undefined) return 'the answer is not JSON';
    const variables = new Map<string, string>();
    for (const [, name] of expectation.source.matchAll(/\$([A-Za-z_]\w*)/g)) {
      if (name) variables.set(name, await bash.variable(name));
    }
    return mismatch(expectation.answer, parsed, (name) => variables.get(name) ?? '');
  }
  return undefined;
}

/**
 * Runs every block; a command that does not answer as the README says is reported and the walkthrough goes on (as a
 * reader would), so one run lists every step that is wrong. Returns the failures.
 */
async function runWalkthrough(
  bash: BashSession,
  blocks: WalkthroughBlock[],
  answers: unknown[],
): Promise<string[]> {
  const failures: string[] = [];
  for (const block of blocks) {
    if (block.notRun) {
      log(`README line ${block.line}: not run (${block.notRun})`);
      continue;
    }
    log(`README line ${block.line}: ${block.commands.length} command(s)`);
    for (const command of block.commands) {
      try {
        await runCommand(bash, command, answers);
      } catch (error) {
        if (!(error instanceof Failure)) throw error;
        failures.push(error.message);
        log(`    FAILED (README line ${command.line})`);
      }
    }
  }
  return failures;
}

// --- after the walkthrough: restarts -------------------------------------------------------------------------

interface Call {
  status: number;
  body: Record<string, unknown>;
}

async function call(method: string, route: string, token: string | undefined, body?: unknown): Promise<Call> {
  const response = await fetch(`http://localhost:7071${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  await eventually(probe, timeoutMs, { what, intervalMs: 250 }).catch((error: unknown) => {
    throw new Failure((error as Error).message);
  });
}

async function purchaseStatus(purchaseId: string, token: string): Promise<unknown> {
  return (await call('GET', `/api/purchases/${purchaseId}`, token)).body.status;
}

/** The invitation link emailed for `purchaseId` (the walkthrough read it with `npm run notifications`). */
async function invitationLink(purchaseId: string): Promise<{ url: string; messageIds: string[] }> {
  const queue = new QueueClient(devStorageConnectionString({ queue: 10001 }), 'notifications');
  const { peekedMessageItems } = await queue.peekMessages({ numberOfMessages: 32 });
  const invitations = peekedMessageItems
    .map((item) => ({
      messageId: item.messageId,
      message: JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')) as Record<
        string,
        unknown
      >,
    }))
    .filter(({ message }) => message.purchaseId === purchaseId && message.type === 'mcaInvitation');
  const url = invitations[0]?.message.acceptUrl;
  if (typeof url !== 'string')
    throw new Failure(`no invitation for ${purchaseId} on the notifications queue`);
  return { url, messageIds: invitations.map(({ messageId }) => messageId) };
}

/** The README's customer body (step 1), so the extra customers are registered as the README registers one. */
function readmeCustomerBody(blocks: WalkthroughBlock[]): Record<string, unknown> {
  for (const block of blocks) {
    for (const command of block.commands) {
      const body = /-X PUT \$B\/customers\/contoso[\s\S]*?-d '([^']*)'/.exec(command.text);
      if (body?.[1]) return JSON.parse(body[1]) as Record<string, unknown>;
    }
  }
  throw new Failure("the README registers no customer (PUT $B/customers/contoso … -d '…')");
}

async function main(): Promise<void> {
  const taken = [];
  for (const port of defaultPorts) if (await portTaken(port)) taken.push(port);
  if (taken.length > 0) {
    throw new Failure(
      `the newcomer test needs the default ports, and ${taken.join(', ')} ${taken.length === 1 ? 'is' : 'are'} taken (an npm start of yours?). Stop it and run again.`,
    );
  }
  const copy = freshCopy();
  log(`fresh copy in ${copy}`);
  const env = newcomerEnvironment();
  const blocks = readWalkthrough(readFileSync(path.join(copy, 'README.md'), 'utf8'));
  const bash = new BashSession(copy, env);
  let running: NpmStart | undefined;
  try {
    await bash.start();
    running = await npmStart(copy, env, 'first');
    const answers: unknown[] = [];
    const failures = await runWalkthrough(bash, blocks, answers);

    // Purchases that wait across the restarts, registered and bought as the walkthrough does.
    // The token the walkthrough signed last (npm run token, a sales agent).
    const token = await bash.variable('TOKEN');
    const walkthroughPurchase = await bash.variable('PURCHASE');
    if (!walkthroughPurchase) throw new Failure('the walkthrough left no $PURCHASE');
    const customerBody = readmeCustomerBody(blocks);
    const waiting: string[] = [];
    for (const customerId of ['newcomer-waits-1', 'newcomer-waits-2']) {
      const put = await call('PUT', `/api/customers/${customerId}`, token, customerBody);
      if (put.status !== 201)
        throw new Failure(`PUT ${customerId}: ${put.status} ${JSON.stringify(put.body)}`);
      const bought = await call('POST', `/api/customers/${customerId}/azure-plan/purchases`, token, {
        mca: { method: 'invite' },
      });
      if (bought.status !== 202)
        throw new Failure(`purchase ${customerId}: ${bought.status} ${JSON.stringify(bought.body)}`);
      waiting.push(String(bought.body.purchaseId));
    }
    for (const purchaseId of waiting) {
      await until(
        `${purchaseId} waits`,
        async () => (await purchaseStatus(purchaseId, token)) === 'awaitingCustomerSignature',
      );
      await invitationLink(purchaseId);
    }

    const stillThere = async (label: string, completed: string[], stillWaiting: string | undefined) => {
      for (const purchaseId of completed) {
        const status = await purchaseStatus(purchaseId, token);
        if (status !== 'completed')
          throw new Failure(`${label}: purchase ${purchaseId} is ${String(status)}, not completed`);
      }
      const contoso = await call('GET', '/api/customers/contoso', token);
      if ((contoso.body.azurePlan as { status?: string } | null)?.status !== 'active') {
        throw new Failure(`${label}: contoso's plan is gone: ${JSON.stringify(contoso.body)}`);
      }
      if (stillWaiting) {
        const status = await purchaseStatus(stillWaiting, token);
        if (status !== 'awaitingCustomerSignature') {
          throw new Failure(`${label}: the waiting purchase ${stillWaiting} is ${String(status)}`);
        }
        const link = await invitationLink(stillWaiting);
        const accepted = await call('POST', new URL(link.url).pathname, undefined, {
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada@contoso.example',
        });
        if (accepted.status !== 200)
          throw new Failure(`${label}: the emailed link answered ${accepted.status}`);
        await until(
          `${label}: the purchase completes through its link`,
          async () => (await purchaseStatus(stillWaiting, token)) === 'completed',
        );
        const customer = await call(
          'GET',
          `/api/customers/${waiting.indexOf(stillWaiting) === 0 ? 'newcomer-waits-1' : 'newcomer-waits-2'}`,
          token,
        );
        if ((customer.body.azurePlan as { status?: string } | null)?.status !== 'active') {
          throw new Failure(`${label}: no plan after the link: ${JSON.stringify(customer.body)}`);
        }
      }
      log(
        `${label}: completed purchases and the plan are there${stillWaiting ? '; the waiting one waited, and its link completed it' : ''}`,
      );
    };

    await ctrlC(running);
    running = await npmStart(copy, env, 'after Ctrl-C');
    await stillThere('after Ctrl-C', [walkthroughPurchase], waiting[0]);

    // Azurite saves every ~5 s (docs/local-host.md: a kill -9 loses its last seconds): wait until its save holds the second
    // invitation, which the kill -9 phase needs. Durable and Cosmos DB writes are journaled at once.
    const secondInvitation = (await invitationLink(waiting[1] ?? '')).messageIds;
    await until('Azurite saved the waiting invitation', () =>
      Promise.resolve(
        azuriteHasSaved(path.join(copy, '.local-state', 'azurite'), 'notifications', secondInvitation),
      ),
    );
    await killEverything(running);
    running = await npmStart(copy, env, 'after kill -9');
    await stillThere('after kill -9', [walkthroughPurchase, waiting[0] ?? ''], waiting[1]);
    await ctrlC(running);
    running = undefined;
    if (failures.length > 0) {
      throw new Failure(
        `${failures.length} walkthrough command(s) did not answer as the README says (the restarts passed):\n\n${failures.join('\n\n')}`,
      );
    }
    log(`passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    bash.close();
    if (running) killTree(running.child.pid ?? 0);
    if (keep) log(`kept ${copy}`);
    else rmSync(copy, { recursive: true, force: true });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error: unknown) => {
  console.error(
    `\nnewcomer test FAILED: ${error instanceof Failure ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 1;
});
