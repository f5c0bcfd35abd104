import type { ExportMetricsServiceRequest } from '@otel-dp/otlp';
import type { ConsumeResult, MetricsConsumer } from '@otel-dp/pipeline';

/** What the consumer does with the next requests it receives. */
export type ConsumerBehaviour = (request: ExportMetricsServiceRequest) => Promise<ConsumeResult>;

export const ACCEPT_ALL: ConsumerBehaviour = async () => ({ rejectedDataPoints: 0, errorMessage: '' });

/** A consumer that keeps every request it is handed and answers as told. */
export class RecordingConsumer implements MetricsConsumer {
  readonly requests: ExportMetricsServiceRequest[] = [];
  behaviour: ConsumerBehaviour = ACCEPT_ALL;

  consume(request: ExportMetricsServiceRequest): Promise<ConsumeResult> {
    this.requests.push(request);
    return this.behaviour(request);
  }

  /** Answers with a fixed result. */
  returns(result: ConsumeResult): void {
    this.behaviour = async () => result;
  }

  /** Rejects with the error. */
  throws(error: unknown): void {
    this.behaviour = async () => {
      throw error;
    };
  }
}

export { RecordingLogger } from '@otel-dp/pipeline/testing';

/** A promise with its resolve function, for consumers that hold a request open. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
