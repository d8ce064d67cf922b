import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../../shared/platform/config';

const complete = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  COSMOS_ENDPOINT: 'http://127.0.0.1:8081',
  AUTH_ISSUER: 'https://issuer.example',
  AUTH_AUDIENCE: 'api://audience',
  AUTH_JWKS_URI: 'https://issuer.example/keys',
  INVITATION_TOKEN_SECRET: 'x'.repeat(32),
};

describe('loadConfig', () => {
  it('parses a complete environment and applies defaults', () => {
    const config = loadConfig(complete);
    expect(config.COSMOS_DATABASE).toBe('azure-plan');
    expect(config.PUBLIC_BASE_URL).toBe('http://localhost:7071');
    expect(config.WEBSITE_AUTH_ENABLED).toBe(false);
  });

  it('reads WEBSITE_AUTH_ENABLED the way App Service writes it', () => {
    expect(loadConfig({ ...complete, WEBSITE_AUTH_ENABLED: 'True' }).WEBSITE_AUTH_ENABLED).toBe(true);
  });

  it('lists every missing or bad key in one error', () => {
    const attempt = () => loadConfig({ COSMOS_ENDPOINT: 'not a url', INVITATION_TOKEN_SECRET: 'short' });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const key of [
      'AzureWebJobsStorage',
      'COSMOS_ENDPOINT',
      'AUTH_ISSUER',
      'AUTH_AUDIENCE',
      'AUTH_JWKS_URI',
      'INVITATION_TOKEN_SECRET',
    ]) {
      expect(message).toContain(key);
    }
  });

  it('accepts an identity-based storage connection instead of a connection string', () => {
    const { AzureWebJobsStorage: _omitted, ...rest } = complete;
    expect(() =>
      loadConfig({ ...rest, AzureWebJobsStorage__queueServiceUri: 'https://acct.queue.core.windows.net' }),
    ).not.toThrow();
  });
});
