import { describe, expect, it } from 'vitest';

import { runHostCrash } from '../../../scripts/crash-test/hostCrashRun';

/**
 * `kill -9` of the process running the Functions host under `npm start` (the supervisor restarts it; the stores
 * keep running) at random moments during a mixed run, sized down for `npm test`: 50 purchases and two kills, after
 * every start was acknowledged (a start cut by a crash blocks its customer for two minutes, too long here).
 * `npm run crash-test` is the full-size run (300 purchases, kills at any moment).
 */
describe('a host killed with SIGKILL during a mixed run', () => {
  it('ends with every purchase final, one plan per completed customer, nothing duplicated, exact batch counts', async () => {
    const { report, kills } = await runHostCrash({
      size: { attested: 20, invited: 10, batchLines: 20 },
      kills: 2,
      pauseMs: [200, 1_500],
      killAfterStarts: true,
      settleTimeoutMs: 120_000,
    });

    expect(kills).toBe(2);
    expect(report.purchases).toBe(50);
    expect(report.notFinal).toEqual([]);
    expect(report.planMismatches).toEqual([]);
    expect(report.duplicatedDocuments).toEqual([]);
    expect(report.duplicatedNotifications).toEqual([]);
    expect(report.batch).toMatchObject({ total: 20, countsAddUp: true, linesFinal: true });
    // An acceptance cut by a kill is finished when its link is used again: no signature is lost.
    expect(report.acceptancesInterrupted).toBe(0);
    // The notification outbox: a notification claimed when the kill came is sent by the activity's re-run (or
    // the reconciliation timer), so no invitation is lost, and every claimed notification reached the mailbox.
    expect(report.invitationsLost).toBe(0);
    expect(report.notificationsLost).toEqual([]);
    expect(report.statuses.completed ?? 0).toBe(50);
  }, 240_000);
});
