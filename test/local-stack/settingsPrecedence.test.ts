import { applyLocalSettings } from '@azure-plan-local/functions-host';
import { describe, expect, it } from 'vitest';

import { letCommandLinePortsWin } from '../../scripts/local-stack/settingsPrecedence';

const repositoryRoot = `${__dirname}/../..`;

/** The environment npm start sees after reading the sample settings on top of `commandLine`. */
function afterSampleSettings(commandLine: Record<string, string>, hostPort: number) {
  const env: NodeJS.ProcessEnv = { ...commandLine };
  const { applied } = applyLocalSettings(repositoryRoot, env);
  const changed = letCommandLinePortsWin(env, applied, hostPort);
  return { env, changed };
}

describe('a setting on the command line wins over the sample settings file', () => {
  it('with no settings, the sample file decides (Cosmos DB on 8081, links on 7071)', () => {
    const { env, changed } = afterSampleSettings({}, 7071);
    expect(env.COSMOS_ENDPOINT).toBe('http://127.0.0.1:8081');
    expect(env.PUBLIC_BASE_URL).toBe('http://localhost:7071');
    expect(changed).toEqual([]);
  });

  it('COSMOS_PORT alone drops the file’s endpoint, so the embedded server starts on that port', () => {
    const { env, changed } = afterSampleSettings({ COSMOS_PORT: '8181' }, 7071);
    expect(env.COSMOS_ENDPOINT).toBeUndefined();
    expect(changed).toEqual(["COSMOS_ENDPOINT (the settings file's) follows COSMOS_PORT=8181"]);
  });

  it('a COSMOS_ENDPOINT given on the command line is kept, whatever COSMOS_PORT says', () => {
    const { env } = afterSampleSettings(
      { COSMOS_PORT: '8181', COSMOS_ENDPOINT: 'https://account.documents.azure.com:443/' },
      7071,
    );
    expect(env.COSMOS_ENDPOINT).toBe('https://account.documents.azure.com:443/');
  });

  it('PORT moves the invitation links the file points at this machine; a PUBLIC_BASE_URL given stays', () => {
    expect(afterSampleSettings({ PORT: '7080' }, 7080).env.PUBLIC_BASE_URL).toBe('http://localhost:7080');
    expect(
      afterSampleSettings({ PORT: '7080', PUBLIC_BASE_URL: 'https://plans.example' }, 7080).env
        .PUBLIC_BASE_URL,
    ).toBe('https://plans.example');
  });

  it('every other value the command line gives wins over the file', () => {
    const { env } = afterSampleSettings({ COSMOS_DATABASE: 'mine', INVITATION_TOKEN_SECRET: 's' }, 7071);
    expect(env).toMatchObject({ COSMOS_DATABASE: 'mine', INVITATION_TOKEN_SECRET: 's' });
  });
});
