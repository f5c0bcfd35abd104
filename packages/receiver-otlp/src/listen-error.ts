import { ReceiverStartError } from './errors.js';

// Both node:net errors (with a `code`) and grpc-js bind errors (the code only
// inside the message) are recognised.
const KNOWN_CAUSES: ReadonlyArray<[string, string]> = [
  ['EADDRINUSE', 'the port is already in use'],
  ['EADDRNOTAVAIL', 'the address does not belong to this machine'],
  ['EACCES', 'permission denied (ports below 1024 need privileges)'],
  ['ENOTFOUND', 'the host name does not resolve'],
  ['EAI_AGAIN', 'the host name does not resolve'],
  ['Name resolution failed', 'the host name does not resolve'],
];

/** A start error that says which listener, where, and why in plain words. */
export function listenFailure(transport: 'OTLP/HTTP' | 'OTLP/gRPC', address: string, error: unknown): ReceiverStartError {
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  const known = KNOWN_CAUSES.find(([marker]) => code === marker || text.includes(marker));
  const reason = known === undefined ? text : `${known[1]} (${known[0]})`;
  return new ReceiverStartError('RECEIVER_LISTEN_FAILED', `cannot listen for ${transport} on ${address}: ${reason}`, { cause: error });
}
