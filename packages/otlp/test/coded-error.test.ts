import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodedError, OtlpAttributeLimitError, OtlpDecodeError } from '../src/index.js';
import { JsonFieldError } from '../src/json-scalars.js';

class ExampleError extends CodedError<'EXAMPLE_ONE' | 'EXAMPLE_TWO'> {}

describe('CodedError', () => {
  it('carries its code, its cause and the name of the class thrown', () => {
    const cause = new Error('below');
    const error = new ExampleError('EXAMPLE_TWO', 'what went wrong', { cause });
    assert.ok(error instanceof ExampleError && error instanceof CodedError && error instanceof Error);
    assert.equal(error.name, 'ExampleError');
    assert.equal(error.code, 'EXAMPLE_TWO');
    assert.equal(error.message, 'what went wrong');
    assert.equal(error.cause, cause);
    assert.equal(Object.hasOwn(new ExampleError('EXAMPLE_ONE', 'no cause'), 'cause'), false);
  });

  it('keeps the names and codes of the errors built on it', () => {
    assert.deepEqual(pick(new OtlpDecodeError('bad')), { name: 'OtlpDecodeError', code: 'OTLP_DECODE_ERROR' });
    assert.deepEqual(pick(new OtlpAttributeLimitError('many', 'KeyValue', 3, 2)), { name: 'OtlpAttributeLimitError', code: 'OTLP_DECODE_ERROR' });
    assert.deepEqual(pick(new JsonFieldError('name', 'expected a string, got a number')), { name: 'JsonFieldError', code: 'OTLP_DECODE_ERROR' });
  });
});

function pick(error: CodedError): { name: string; code: string } {
  return { name: error.name, code: error.code };
}
