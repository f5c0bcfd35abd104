import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdminConfigError, createDefaultConfig, resolveSelfTelemetryEndpoint, validateAdminConfig } from '../src/index.js';

function carries(field: string, name: string) {
  return (error: unknown) => {
    assert.ok(error instanceof AdminConfigError, String(error));
    assert.equal(error.field, field);
    assert.ok(error.message.startsWith(name), error.message);
    return true;
  };
}

describe('admin configuration fields', () => {
  it('carries the field at fault, named by the field or by settingName', () => {
    const base = createDefaultConfig();
    validateAdminConfig(base);
    const cases: [Parameters<typeof validateAdminConfig>[0], string][] = [
      [{ ...base, listen: { host: '', port: 1 } }, 'listen'],
      [{ ...base, listen: { host: '127.0.0.1', port: 65536 } }, 'listen'],
      [{ ...base, windowHistoryCapacity: 0 }, 'windowHistoryCapacity'],
    ];
    for (const [config, field] of cases) {
      assert.throws(() => validateAdminConfig(config), carries(field, field));
      assert.throws(() => validateAdminConfig(config, (setting) => `<${setting}>`), carries(field, `<${field}>`));
    }
  });

  it('names the self-telemetry endpoint as asked, never quoting it', () => {
    assert.throws(() => resolveSelfTelemetryEndpoint('ftp://user:secret@host'), carries('endpoint', 'endpoint'));
    assert.throws(() => resolveSelfTelemetryEndpoint('http://user:secret@host', 'OTEL_DP_X'), (error: unknown) => {
      assert.ok(carries('endpoint', 'OTEL_DP_X')(error));
      assert.ok(!(error as Error).message.includes('secret'));
      return true;
    });
  });
});
