// A process that owns a persistent export queue, so a test can kill -9 it.
// argv: <queueDir> <endpoint>. Messages in: { marker }. Messages out:
// { ready: true } once started, { queued: marker } once export() resolved.
import { OtlpExporter, QueuedExporter } from '../../src/index.js';
import { FAST_RETRY } from './fast-retry.js';
import { sampleRequest } from './metrics-fixture.js';

const [queueDir, endpoint] = process.argv.slice(2);
const send = (message: object): void => void process.send?.(message);

const exporter = new OtlpExporter({
  endpoint,
  protocol: 'http/protobuf',
  headers: {},
  compression: 'none',
  timeoutMillis: 2000,
  retry: { ...FAST_RETRY, maxElapsedMillis: 0 },
});
const queue = new QueuedExporter(exporter, { name: 'otlp', queueDir });
await queue.start();
process.on('message', (message: { marker: number }) => {
  queue.export({ request: sampleRequest(message.marker) }).then(
    () => send({ queued: message.marker }),
    (error: Error) => send({ failed: message.marker, error: error.message }),
  );
});
send({ ready: true });
