import assert from 'node:assert/strict';
import { ExporterError } from '@otel-dp/exporter-helper';

/** An `assert.rejects` check: an ExporterError with `code` whose message never quotes `secret`. */
export function exporterErrorWithCode(code: string, secret: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof ExporterError, `not an ExporterError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.ok(!error.message.includes(secret));
    return true;
  };
}
