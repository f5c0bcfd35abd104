import type { TestContext } from 'node:test';
import type { ListenAddress, OtlpReceiverConfig } from '../../src/config.js';
import { OtlpReceiver } from '../../src/receiver.js';
import { RecordingConsumer, RecordingLogger } from './recording-consumer.js';

export const LOOPBACK_ANY_PORT: ListenAddress = { host: '127.0.0.1', port: 0 };

export interface RunningReceiver {
  receiver: OtlpReceiver;
  consumer: RecordingConsumer;
  logger: RecordingLogger;
  http: ListenAddress;
  grpc: ListenAddress;
}

/** Starts a receiver on loopback with OS-chosen ports, shut down when the test ends. */
export async function startReceiver(
  t: TestContext,
  config: Partial<OtlpReceiverConfig> = {},
  shutdownTimeoutMillis = 1000,
): Promise<RunningReceiver> {
  const consumer = new RecordingConsumer();
  const logger = new RecordingLogger();
  const receiver = new OtlpReceiver(
    { httpListen: LOOPBACK_ANY_PORT, grpcListen: LOOPBACK_ANY_PORT, maxRequestBytes: 1024 * 1024, ...config },
    consumer,
    { logger, shutdownTimeoutMillis },
  );
  t.after(() => receiver.shutdown());
  await receiver.start();
  const http = receiver.httpAddress ?? { host: '', port: -1 };
  const grpc = receiver.grpcAddress ?? { host: '', port: -1 };
  return { receiver, consumer, logger, http, grpc };
}
