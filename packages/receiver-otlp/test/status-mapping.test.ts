import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { status as GrpcCode } from '@grpc/grpc-js';
import { OtlpDecodeError } from '@otel-dp/otlp';
import { PipelineError } from '@otel-dp/pipeline';
import { RequestBodyError } from '../src/errors.js';
import { INTERNAL_ERROR_MESSAGE, isBadDataError, toGrpcStatus, toHttpStatus } from '../src/status-mapping.js';

const retryable = (retryAfterSeconds?: number): PipelineError =>
  new PipelineError('PROCESSOR_FULL', 'window is full', retryAfterSeconds === undefined ? { retryable: true } : { retryable: true, retryAfterSeconds });

describe('toHttpStatus', () => {
  it('answers retryable pipeline errors 503 with Retry-After rounded up to whole seconds', () => {
    assert.deepEqual(toHttpStatus(retryable()), { status: 503, message: 'window is full' });
    assert.deepEqual(toHttpStatus(retryable(2.1)), { status: 503, retryAfterSeconds: 3, message: 'window is full' });
    assert.deepEqual(toHttpStatus(retryable(0)), { status: 503, retryAfterSeconds: 0, message: 'window is full' });
    assert.deepEqual(toHttpStatus(retryable(Number.NaN)), { status: 503, message: 'window is full' });
    assert.deepEqual(toHttpStatus(retryable(-1)), { status: 503, message: 'window is full' });
  });

  it('answers permanent pipeline errors 400 for bad data and 500 otherwise', () => {
    assert.equal(toHttpStatus(new PipelineError('DP_INVALID_POINT', 'no', { retryable: false, reason: 'bad_data' })).status, 400);
    assert.equal(toHttpStatus(new PipelineError('INVALID_DATA', 'no', { retryable: false })).status, 500);
    assert.equal(toHttpStatus(new PipelineError('EXPORT_PERMANENT', 'no', { retryable: false })).status, 500);
    assert.equal(toHttpStatus(new PipelineError('INVALID_DATA', 'busy', { retryable: true, reason: 'bad_data' })).status, 503);
  });

  it('answers a limit reached under load 429 and RESOURCE_EXHAUSTED with a retry delay', () => {
    const overloaded = new PipelineError('WINDOW_FULL', 'window is full', { retryable: true, reason: 'overloaded', retryAfterSeconds: 2.5 });
    assert.deepEqual(toHttpStatus(overloaded), { status: 429, retryAfterSeconds: 3, message: 'window is full' });
    assert.deepEqual(toGrpcStatus(overloaded), { code: GrpcCode.RESOURCE_EXHAUSTED, message: 'window is full', retryDelaySeconds: 2.5 });
    const noDelay = new PipelineError('WINDOW_FULL', 'window is full', { retryable: true, reason: 'overloaded' });
    assert.equal(toGrpcStatus(noDelay).retryDelaySeconds, 1);
  });

  it('answers decode and body errors 400 or 413 with their own message', () => {
    assert.deepEqual(toHttpStatus(new OtlpDecodeError('bad wire type at byte 3')), { status: 400, message: 'bad wire type at byte 3' });
    assert.deepEqual(toHttpStatus(new RequestBodyError('RECEIVER_BODY_TOO_LARGE', 'too big')), { status: 413, message: 'too big' });
    assert.deepEqual(toHttpStatus(new RequestBodyError('RECEIVER_BAD_COMPRESSION', 'not gzip')), { status: 400, message: 'not gzip' });
    assert.deepEqual(toHttpStatus(new RequestBodyError('RECEIVER_UNSUPPORTED_ENCODING', 'br')), { status: 400, message: 'br' });
  });

  it('hides the message of anything unexpected behind a generic 500', () => {
    assert.deepEqual(toHttpStatus(new TypeError('secret-value is not a function')), { status: 500, message: INTERNAL_ERROR_MESSAGE });
    assert.deepEqual(toHttpStatus('a string'), { status: 500, message: INTERNAL_ERROR_MESSAGE });
    assert.deepEqual(toHttpStatus(undefined), { status: 500, message: INTERNAL_ERROR_MESSAGE });
  });
});

describe('toGrpcStatus', () => {
  it('answers retryable pipeline errors UNAVAILABLE with the exact delay', () => {
    assert.deepEqual(toGrpcStatus(retryable()), { code: GrpcCode.UNAVAILABLE, message: 'window is full' });
    assert.deepEqual(toGrpcStatus(retryable(2.5)), { code: GrpcCode.UNAVAILABLE, message: 'window is full', retryDelaySeconds: 2.5 });
  });

  it('answers permanent errors INVALID_ARGUMENT for bad data and INTERNAL otherwise', () => {
    assert.equal(toGrpcStatus(new PipelineError('INVALID_DATA', 'no', { retryable: false, reason: 'bad_data' })).code, GrpcCode.INVALID_ARGUMENT);
    assert.equal(toGrpcStatus(new PipelineError('DP_CONFIG', 'no', { retryable: false })).code, GrpcCode.INTERNAL);
    assert.deepEqual(toGrpcStatus(new OtlpDecodeError('truncated')), { code: GrpcCode.INVALID_ARGUMENT, message: 'truncated' });
    assert.equal(toGrpcStatus(new RequestBodyError('RECEIVER_BODY_TOO_LARGE', 'big')).code, GrpcCode.RESOURCE_EXHAUSTED);
    assert.deepEqual(toGrpcStatus(new RangeError('x')), { code: GrpcCode.INTERNAL, message: INTERNAL_ERROR_MESSAGE });
  });

  it('tells bad data only for permanent pipeline errors', () => {
    assert.equal(isBadDataError(new PipelineError('INVALID_DATA', 'no', { retryable: false, reason: 'bad_data' })), true);
    assert.equal(isBadDataError(new PipelineError('INVALID_DATA', 'no', { retryable: true, reason: 'bad_data' })), false);
    assert.equal(isBadDataError(new OtlpDecodeError('no')), false);
  });
});
