/**
 * HTTP/2 flow-control windows of the OTLP/gRPC listener. At Node's 64 KiB
 * defaults a client that sends requests of hundreds of KB over one
 * connection, as OTLP exporters do, waits for a WINDOW_UPDATE every 64 KiB,
 * each one behind whatever the event loop is busy with. Measured with the
 * bench's 205 KB requests over one channel: 186k–228k points/s with the
 * sidecar at 0.8 of a core, 278k with these windows.
 *
 * The windows only pace the sender: the receiver reads arriving data at
 * once and takes every byte from the in-flight budget, and each message
 * stays bounded by `maxRequestBytes`, checked on its prefix.
 */

/** Window of each stream: a whole request of the usual sizes fits, so a client never waits inside one message. */
export const GRPC_STREAM_WINDOW_BYTES = 4 << 20;
/** Window of each connection, shared by its streams. */
export const GRPC_CONNECTION_WINDOW_BYTES = 16 << 20;
