import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonLinesLogger, PrettyLinesLogger, createLogger } from '../src/logger.js';

function capture(level?: 'debug' | 'info' | 'warn' | 'error'): { logger: JsonLinesLogger; lines: string[] } {
  const lines: string[] = [];
  const logger = new JsonLinesLogger({ level, write: (line) => lines.push(line), now: () => Date.UTC(2025, 0, 2, 3, 4, 5, 6) });
  return { logger, lines };
}

describe('JsonLinesLogger', () => {
  it('writes one JSON object per line: level, msg, time, then the fields', () => {
    const { logger, lines } = capture();
    logger.info('ready', { http: '127.0.0.1:4318', grpc: 'off' });
    assert.equal(lines.length, 1);
    assert.ok(lines[0].endsWith('\n'));
    assert.equal(lines[0].indexOf('\n'), lines[0].length - 1, 'exactly one line');
    assert.equal(lines[0], '{"level":"info","msg":"ready","time":"2025-01-02T03:04:05.006Z","http":"127.0.0.1:4318","grpc":"off"}\n');
  });

  it('drops records below the level, info by default', () => {
    const { logger, lines } = capture();
    logger.debug('hidden');
    logger.info('shown 1');
    logger.warn('shown 2');
    logger.error('shown 3');
    assert.deepEqual(
      lines.map((line) => JSON.parse(line).msg),
      ['shown 1', 'shown 2', 'shown 3'],
    );
    const quiet = capture('error');
    quiet.logger.warn('hidden');
    quiet.logger.error('shown');
    assert.deepEqual(quiet.lines.map((line) => JSON.parse(line).level), ['error']);
    const verbose = capture('debug');
    verbose.logger.debug('shown');
    assert.equal(verbose.lines.length, 1);
  });

  it('writes bigints as strings and errors without their stack', () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('export refused'), { code: 'EXPORT_SHUTDOWN' });
    logger.error('failed', { windowStart: 1_700_000_000_000_000_000n, error, plain: new TypeError('bad') });
    const record = JSON.parse(lines[0]);
    assert.equal(record.windowStart, '1700000000000000000');
    assert.deepEqual(record.error, { name: 'Error', message: 'export refused', code: 'EXPORT_SHUTDOWN' });
    assert.deepEqual(record.plain, { name: 'TypeError', message: 'bad' });
  });

  it('keeps level, msg and time when a field has the same name', () => {
    const { logger, lines } = capture();
    logger.warn('real', { level: 'fake', msg: 'fake', time: 'fake', other: 1 });
    const record = JSON.parse(lines[0]);
    assert.deepEqual(record, { level: 'warn', msg: 'real', time: '2025-01-02T03:04:05.006Z', other: 1 });
  });

  it('never throws: unserializable fields and a failing stream are survived', () => {
    const { logger, lines } = capture();
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    logger.info('circular', { loop });
    assert.deepEqual(JSON.parse(lines[0]), {
      level: 'info',
      msg: 'circular',
      time: '2025-01-02T03:04:05.006Z',
      logError: 'fields could not be written as JSON',
    });
    const broken = new JsonLinesLogger({
      write: () => {
        throw new Error('EPIPE');
      },
    });
    assert.doesNotThrow(() => broken.error('lost'));
  });
});

describe('PrettyLinesLogger', () => {
  const now = () => Date.UTC(2025, 0, 2, 3, 4, 5, 6);

  function pretty(level?: 'debug' | 'info' | 'warn' | 'error'): { logger: PrettyLinesLogger; lines: string[] } {
    const lines: string[] = [];
    return { logger: new PrettyLinesLogger({ level, write: (line) => lines.push(line), now }), lines };
  }

  it('writes time, level, message and fields on one line', () => {
    const { logger, lines } = pretty();
    logger.info('ready', { http: '127.0.0.1:4318', grpc: 'off', port: 4318, tls: false });
    assert.deepEqual(lines, ['2025-01-02T03:04:05.006Z INFO  ready http=127.0.0.1:4318 grpc=off port=4318 tls=false\n']);
  });

  it('quotes values that are not plain words, so a field cannot break or fake the line', () => {
    const { logger, lines } = pretty();
    logger.warn('export failed', { reason: 'a b', injected: 'x\nERROR fake', empty: '', nested: { a: [1, 2] }, big: 12n, error: Object.assign(new Error('boom'), { code: 'E_X' }) });
    assert.equal(lines.length, 1);
    assert.equal(lines[0].indexOf('\n'), lines[0].length - 1, 'exactly one line');
    assert.equal(
      lines[0],
      '2025-01-02T03:04:05.006Z WARN  export failed reason="a b" injected="x\\nERROR fake" empty="" nested={"a":[1,2]} big=12 error={"name":"Error","message":"boom","code":"E_X"}\n',
    );
  });

  it('filters by level like the JSON logger, and never throws', () => {
    const { logger, lines } = pretty('warn');
    logger.info('hidden');
    logger.error('shown', { loop: (() => { const o: Record<string, unknown> = {}; o.self = o; return o; })() });
    assert.deepEqual(lines, ['2025-01-02T03:04:05.006Z ERROR shown loop="(not printable)"\n']);
  });
});

describe('createLogger', () => {
  it('picks the format', () => {
    const lines: string[] = [];
    createLogger('json', { write: (line) => lines.push(line) }).info('a');
    createLogger('pretty', { write: (line) => lines.push(line) }).info('b');
    assert.equal(JSON.parse(lines[0]).msg, 'a');
    assert.match(lines[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}b\n$/);
  });
});
