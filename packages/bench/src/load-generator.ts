/**
 * The load generator process: sends prebuilt OTLP requests to the system
 * under test on command from the orchestrating process (over the IPC
 * channel), and answers with what it measured. It ends when the channel closes.
 */
import { openSender } from './load-clients.js';
import { closedLoop, openLoop, type LoadResult } from './load-loops.js';
import { MAX_CLOSED_LOOP_RATE, type FailureReply, type LoadCommand, type LoadReply } from './load-protocol.js';
import { encodePayloads, type Payloads, type Transport } from './payloads.js';
import { encodeSpanPayloads } from './span-payloads.js';
import { buildSpanWorkload } from './span-workload.js';
import { buildWorkload } from './workload.js';

const requests = buildWorkload();
const payloadCache = new Map<string, Payloads>();

function payloadsFor(transport: Transport, gzip: boolean): Payloads {
  const key = `${transport}/${gzip}`;
  let payloads = payloadCache.get(key);
  if (payloads === undefined) {
    payloads = transport === 'http-protobuf-spans' ? encodeSpanPayloads(buildSpanWorkload()) : encodePayloads(requests, transport, gzip);
    payloadCache.set(key, payloads);
  }
  return payloads;
}

async function run(command: LoadCommand): Promise<LoadReply> {
  const { target } = command;
  const payloads = payloadsFor(target.transport, target.gzip);
  const sender = openSender(target);
  try {
    let result: LoadResult;
    if (command.type === 'closed') {
      const bound = (millis: number) => Math.ceil((MAX_CLOSED_LOOP_RATE * millis) / 1000);
      const { concurrency } = target;
      await closedLoop(sender, payloads, { concurrency, durationMillis: command.warmupMillis, maxRequests: bound(command.warmupMillis) });
      result = await closedLoop(sender, payloads, { concurrency, durationMillis: command.durationMillis, maxRequests: bound(command.durationMillis) });
    } else {
      const { ratePerSecond, durationMillis, maxInFlight } = command;
      result = await openLoop(sender, payloads, { ratePerSecond, durationMillis, maxInFlight });
    }
    const pointsPerRequest = payloads.points.reduce((a, b) => a + b, 0) / payloads.points.length;
    return { type: 'result', result, meanWireBytes: payloads.meanWireBytes, pointsPerRequest };
  } finally {
    sender.close();
  }
}

process.on('message', (message: LoadCommand) => {
  run(message).then(
    (reply) => process.send!(reply),
    (error: unknown) => process.send!({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies FailureReply),
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready' });
