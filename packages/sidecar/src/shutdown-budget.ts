/** How long SIGTERM or SIGINT may take to drain everything before the process gives up. */
export const SHUTDOWN_DEADLINE_MILLIS = 10_000;

// Each stage's share of the deadline, spent one after the other; together
// they stay a second below SHUTDOWN_DEADLINE_MILLIS, which leaves room for
// closing the admin endpoint and for the process to exit.

/** Requests in flight finish (they only wait for the processor to take their points). */
export const RECEIVER_DRAIN_MILLIS = 1_500;
/** The open window is released and handed to the exporters' queues (fsynced when persistent). */
export const PROCESSOR_DRAIN_MILLIS = 2_000;
/** The exporters' queues send what they hold, all at once (the fan-out stops them together). */
export const QUEUE_DRAIN_MILLIS = 3_000;
/** Then each exporter's attempts still on the wire may end before they are aborted. */
export const EXPORTER_ABORT_MILLIS = 1_500;
/** Self-telemetry sends its last counters. */
export const SELF_TELEMETRY_STOP_MILLIS = 1_000;
