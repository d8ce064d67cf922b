/**
 * A .NET `TimeSpan` string as host.json uses them (`"00:00:05"`, `"1.02:00:00"`, `"00:00:00.500"`) to
 * milliseconds. A plain number is taken as seconds. Throws on anything else, naming the setting.
 */
export function parseTimeSpan(value: unknown, setting: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    return value * 1000;
  }
  if (typeof value === 'string') {
    const match = /^\s*(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?\s*$/.exec(value);
    if (match) {
      const [, days, hours, minutes, seconds, fraction] = match;
      const ms =
        (Number(days ?? 0) * 86_400 + Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000 +
        Math.round(Number(`0.${fraction ?? '0'}`) * 1000);
      return ms;
    }
  }
  throw new Error(`host.json ${setting}: expected a TimeSpan like "00:00:05", got ${JSON.stringify(value)}.`);
}
