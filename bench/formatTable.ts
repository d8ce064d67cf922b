import { type BenchRow, isMeasured } from './benchRow';

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** The table `npm run bench` prints: median, IQR and min–max per figure, the goal and whether it is met. */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['measure', 'median', 'IQR', 'min–max', 'unit', 'rounds', 'goal', 'note'];
  const lines = rows.map((row) => {
    const goal = row.goal ? `${row.goal.text} ${row.goal.met ? 'met' : 'NOT met'}` : '';
    if (!isMeasured(row)) return [row.label, `n/a (${row.unavailable})`, '', '', '', '', goal, ''];
    const { spread } = row;
    return [
      row.label,
      formatNumber(spread.median),
      `${formatNumber(spread.p25)}–${formatNumber(spread.p75)}`,
      `${formatNumber(spread.min)}–${formatNumber(spread.max)}`,
      row.unit,
      String(spread.count),
      goal,
      row.note ?? '',
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const render = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [
    render(header),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...lines.map(render),
  ].join('\n');
}
