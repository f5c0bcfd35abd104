import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodedError } from '@otel-dp/otlp';
import { PipelineError } from '../src/index.js';

describe('PipelineError', () => {
  it('is a CodedError with its own name, its code and what decides the answer to the client', () => {
    const cause = new Error('below');
    const error = new PipelineError('PIPE_FULL', 'full', { retryable: true, reason: 'overloaded', retryAfterSeconds: 2, cause });
    assert.ok(error instanceof CodedError);
    assert.deepEqual(
      { name: error.name, code: error.code, retryable: error.retryable, reason: error.reason, retryAfterSeconds: error.retryAfterSeconds, cause: error.cause },
      { name: 'PipelineError', code: 'PIPE_FULL', retryable: true, reason: 'overloaded', retryAfterSeconds: 2, cause },
    );
    const bare = new PipelineError('BAD', 'bad', { retryable: false });
    assert.deepEqual([bare.reason, bare.retryAfterSeconds, Object.hasOwn(bare, 'cause')], [undefined, undefined, false]);
  });
});
