import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  resolveStateDirectory,
  stateEnvironment,
  stateFolders,
} from '../../scripts/local-stack/stateDirectory';

const root = path.resolve('/repo');

describe('the state folder npm start decides and hands to its children', () => {
  it('is .local-state/ in the repository when nothing is set, with every store under it', () => {
    const decided = resolveStateDirectory(root, {});
    expect(decided).toBe(path.join(root, '.local-state'));
    // What a child (host, stores) reads from the environment the supervisor gave it.
    expect(stateFolders({ ...stateEnvironment(decided) })).toEqual({
      root: path.join(root, '.local-state'),
      azurite: path.join(root, '.local-state', 'azurite'),
      cosmos: path.join(root, '.local-state', 'cosmos'),
      simulators: path.join(root, '.local-state', 'simulators'),
      durable: path.join(root, '.local-state', 'durable'),
      timers: path.join(root, '.local-state', 'timers'),
    });
  });

  it('follows LOCAL_STATE_DIR (made absolute), and LOCAL_STATE=memory keeps everything in memory', () => {
    const decided = resolveStateDirectory(root, { LOCAL_STATE_DIR: 'elsewhere' });
    expect(decided).toBe(path.resolve('elsewhere'));
    expect(stateFolders(stateEnvironment(decided))?.durable).toBe(path.resolve('elsewhere', 'durable'));

    const memory = resolveStateDirectory(root, { LOCAL_STATE: 'memory', LOCAL_STATE_DIR: 'ignored' });
    expect(memory).toBeUndefined();
    expect(stateEnvironment(memory)).toEqual({ LOCAL_STATE_DIR: '', LOCAL_STATE: 'memory' });
    expect(stateFolders(stateEnvironment(memory))).toBeUndefined();
  });

  it('the decision wins over what the child inherited, and a child given no decision refuses to guess', () => {
    const inherited = { LOCAL_STATE: 'memory', LOCAL_STATE_DIR: '/somewhere/else' };
    expect(stateFolders({ ...inherited, ...stateEnvironment('/decided') })?.root).toBe(
      path.resolve('/decided'),
    );
    // The bug this replaces: a host started without LOCAL_STATE_DIR kept durable state in memory, silently.
    expect(() => stateFolders({})).toThrow(/LOCAL_STATE is not set/);
  });
});
