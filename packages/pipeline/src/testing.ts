export { describeLifecycleContract, type LifecycleSubject } from './lifecycle-contract.js';
export { RecordingLogger, type LogRecord } from './recording-logger.js';
export { waitFor } from './wait-for.js';
