import { execFileSync } from 'node:child_process';

/** Every process below `pid` (and itself), found through `ps`, parents first. */
export function processTree(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((row) => row.trim().split(/\s+/).map(Number) as [number, number]);
  const tree = [pid];
  for (let index = 0; index < tree.length; index += 1) {
    for (const [child, parent] of table)
      if (parent === tree[index] && !tree.includes(child)) tree.push(child);
  }
  return tree;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `kill -9` of `pid` and every process below it, without any chance to save; returns the pids it killed. */
export function killTree(pid: number): number[] {
  const tree = processTree(pid);
  for (const each of tree) {
    try {
      process.kill(each, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  return tree;
}
