import { describe, expect, it } from 'vitest';

import { invitationDeadline, nextWakeUp } from '../../../../shared/domain/rules/invitationSchedule';

const invitedAt = new Date('2026-03-01T00:00:00.000Z');
const daily = { invitedAt, reminderEveryHours: 24, expiresInDays: 3 };

describe('the invitation schedule', () => {
  it('expires the given number of days after the invitation', () => {
    expect(invitationDeadline(daily).toISOString()).toBe('2026-03-04T00:00:00.000Z');
  });

  it('wakes for a reminder every interval, counted from the invitation', () => {
    expect(nextWakeUp(daily, 0)).toEqual({ at: new Date('2026-03-02T00:00:00.000Z'), reason: 'reminder' });
    expect(nextWakeUp(daily, 1)).toEqual({ at: new Date('2026-03-03T00:00:00.000Z'), reason: 'reminder' });
  });

  it('wakes at the deadline when no reminder fits before it', () => {
    expect(nextWakeUp(daily, 2)).toEqual({ at: new Date('2026-03-04T00:00:00.000Z'), reason: 'deadline' });
    expect(nextWakeUp({ invitedAt, reminderEveryHours: 30, expiresInDays: 2 }, 1).reason).toBe('deadline');
  });
});
