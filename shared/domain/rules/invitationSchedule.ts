const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

export interface InvitationSchedule {
  invitedAt: Date;
  reminderEveryHours: number;
  expiresInDays: number;
}

export function invitationDeadline(schedule: InvitationSchedule): Date {
  return new Date(schedule.invitedAt.getTime() + schedule.expiresInDays * dayMs);
}

/**
 * When the waiting purchase wakes up next: for the next reminder, counted from the invitation so that late
 * wake-ups do not drift, or at the deadline when no reminder fits before it.
 */
export function nextWakeUp(
  schedule: InvitationSchedule,
  remindersSent: number,
): { at: Date; reason: 'reminder' | 'deadline' } {
  const deadline = invitationDeadline(schedule);
  const reminderAt =
    schedule.invitedAt.getTime() + (remindersSent + 1) * schedule.reminderEveryHours * hourMs;
  return reminderAt < deadline.getTime()
    ? { at: new Date(reminderAt), reason: 'reminder' }
    : { at: deadline, reason: 'deadline' };
}
