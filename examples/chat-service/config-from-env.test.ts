import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config-from-env.ts';

const defaults = {
  service: { environment: 'development', appVersion: '0.0.0-dev', deploymentId: 'local', region: 'local' },
  listen: { host: '127.0.0.1', port: 8000 },
};

describe('configFromEnv', () => {
  it.each([
    { name: 'nothing set', env: {}, expected: defaults },
    {
      name: 'everything set',
      env: {
        APP_ENVIRONMENT: 'staging',
        APP_VERSION: '1.4.0',
        DEPLOYMENT_ID: 'stg-euw1-7',
        REGION: 'eu-west-1',
        HOST: '0.0.0.0',
        PORT: '8081',
      },
      expected: {
        service: { environment: 'staging', appVersion: '1.4.0', deploymentId: 'stg-euw1-7', region: 'eu-west-1' },
        listen: { host: '0.0.0.0', port: 8081 },
      },
    },
    {
      name: 'empty values',
      env: { APP_ENVIRONMENT: '', APP_VERSION: '', DEPLOYMENT_ID: '', REGION: '', HOST: '', PORT: '' },
      expected: defaults,
    },
    {
      name: 'port 0 (any free port)',
      env: { PORT: '0' },
      expected: { ...defaults, listen: { host: '127.0.0.1', port: 0 } },
    },
  ])('$name', ({ env, expected }) => {
    expect(configFromEnv(env)).toEqual(expected);
  });

  it.each(['abc', '-1', '80.5', '65536', ' 80'])('refuses PORT=%j', (port) => {
    expect(() => configFromEnv({ PORT: port })).toThrow(`PORT must be a whole number from 0 to 65535, got '${port}'`);
  });

  it('reads process.env by default', () => {
    const saved = process.env.APP_VERSION;
    process.env.APP_VERSION = '9.9.9';
    try {
      expect(configFromEnv().service.appVersion).toBe('9.9.9');
    } finally {
      if (saved === undefined) delete process.env.APP_VERSION;
      else process.env.APP_VERSION = saved;
    }
  });
});
