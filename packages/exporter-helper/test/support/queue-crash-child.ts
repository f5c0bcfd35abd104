// A process that owns a persistent export queue, so a test can kill -9 it.
// argv: <queueDir> <endpoint>. Messages in: { marker }. Messages out:
// { ready: true } once started, { queued: marker } once export() resolved.
import { sampleRequest } from '@otel-dp/otlp/testing';
import { QueuedExporter } from '../../src/index.js';
import { FAST_RETRY } from '../../src/testing.js';
import { httpExporter } from './http-exporter.js';

const [queueDir, endpoint] = process.argv.slice(2);
const send = (message: object): void => void process.send?.(message);

const exporter = httpExporter(endpoint, { ...FAST_RETRY, maxElapsedMillis: 0 }, { shutdownTimeoutMillis: 5000 });
const queue = new QueuedExporter(exporter, { name: 'otlp', queueDir });
await queue.start();
process.on('message', (message: { marker: number }) => {
  queue.export({ request: sampleRequest(message.marker) }).then(
    () => send({ queued: message.marker }),
    (error: Error) => send({ failed: message.marker, error: error.message }),
  );
});
send({ ready: true });
