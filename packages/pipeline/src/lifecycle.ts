/** Every component: both calls are idempotent. */
export interface Lifecycle {
  start(): Promise<void>;
  shutdown(): Promise<void>;
}
