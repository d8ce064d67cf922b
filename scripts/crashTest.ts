/**
 * `npm run crash-test`: the full-size host crash run of issue 9 (docs/durability.md): `npm start`, a mixed run of
 * 300 purchases (attested, invited then accepted, batch lines) and `kill -9` of the Functions host process at random
 * moments, then every purchase must reach a final state with nothing duplicated. `npm test` runs a sized-down one
 * (test/functions/stack/hostCrash.test.ts). Options: --attested N --invited N --lines N --kills N. Exit code 1 on a finding.
 */
import { parseArgs } from 'node:util';

import { runHostCrash } from './crash-test/hostCrashRun';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      attested: { type: 'string', default: '120' },
      invited: { type: 'string', default: '60' },
      lines: { type: 'string', default: '120' },
      kills: { type: 'string', default: '6' },
    },
  });
  const size = {
    attested: Number(values.attested),
    invited: Number(values.invited),
    batchLines: Number(values.lines),
  };
  console.log(`host crash run: ${JSON.stringify(size)}, ${values.kills} kills`);
  const { report, kills } = await runHostCrash({
    size,
    kills: Number(values.kills),
    pauseMs: [1_000, 4_000],
    settleTimeoutMs: 360_000,
    log: (line) => console.log(`  ${line}`),
  });
  console.log(JSON.stringify({ kills, ...report }, null, 2));
  const findings = [
    report.notFinal.length > 0 && `${report.notFinal.length} purchase(s) not final`,
    report.planMismatches.length > 0 && `plan mismatches: ${report.planMismatches.join(', ')}`,
    report.duplicatedDocuments.length > 0 && `duplicated documents: ${report.duplicatedDocuments.join(', ')}`,
    report.duplicatedNotifications.length > 0 &&
      `duplicated notifications: ${report.duplicatedNotifications.join(', ')}`,
    report.invitationsLost > 0 && `${report.invitationsLost} invitation(s) lost`,
    report.notificationsLost.length > 0 && `notifications lost: ${report.notificationsLost.join(', ')}`,
    !report.batch.countsAddUp && 'batch counts do not add up',
    !report.batch.linesFinal && 'batch lines not final',
  ].filter(Boolean);
  if (findings.length > 0) {
    console.error(`FAILED:\n- ${findings.join('\n- ')}`);
    process.exitCode = 1;
  } else {
    console.log(
      'OK: every purchase final, one plan per completed customer, nothing duplicated, no notification lost, batch counts exact.',
    );
  }
}

void main();
