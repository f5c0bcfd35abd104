import assert from 'node:assert/strict';
import { sampleRequest, serveOtlpHttp } from '@otel-dp/otlp/testing';
import { describeLifecycleContract, type LifecycleSubject, waitFor } from '@otel-dp/pipeline/testing';
import { ExporterError } from '@otel-dp/exporter-helper';
import { DebugExporter, FanOutExporter, OtlpExporter, type OtlpProtocol } from '../src/index.js';
import { FAST_RETRY } from '@otel-dp/exporter-helper/testing';
import { OtlpGrpcTestServer } from './support/otlp-grpc-server.js';

/** How long the backend holds each answer, so a shutdown finds an attempt on the wire. */
const ANSWER_DELAY_MILLIS = 200;

async function refusesExports(exporter: { export: DebugExporter['export'] }): Promise<void> {
  await assert.rejects(exporter.export({ request: sampleRequest(9) }), (error: unknown) => error instanceof ExporterError && error.code === 'EXPORT_SHUTDOWN');
}

/** A real backend of the protocol that holds each answer; `received` counts what reached it. */
interface Backend {
  endpoint: string;
  received: readonly unknown[];
  close(): unknown;
}

async function startBackend(protocol: OtlpProtocol): Promise<Backend> {
  if (protocol === 'grpc') {
    const server = new OtlpGrpcTestServer(() => ({ ok: true, delayMillis: ANSWER_DELAY_MILLIS }));
    const endpoint = await server.start();
    return { endpoint, received: server.received, close: () => server.close() };
  }
  const { server, endpoint } = await serveOtlpHttp(() => ({ status: 200, delayMillis: ANSWER_DELAY_MILLIS }));
  return { endpoint, received: server.received, close: () => server.close() };
}

function otlpExporterSubject(protocol: OtlpProtocol): LifecycleSubject<OtlpExporter> {
  const backends = new Map<OtlpExporter, Backend>();
  return {
    async create(): Promise<OtlpExporter> {
      const backend = await startBackend(protocol);
      const exporter = new OtlpExporter(
        { endpoint: backend.endpoint, protocol, headers: {}, compression: 'none', timeoutMillis: 5000, retry: FAST_RETRY },
        { shutdownTimeoutMillis: 5000 },
      );
      backends.set(exporter, backend);
      return exporter;
    },
    async assertStarted(exporter: OtlpExporter): Promise<void> {
      await exporter.export({ request: sampleRequest(1) });
      assert.equal(backends.get(exporter)?.received.length, 1);
    },
    async load(exporter: OtlpExporter): Promise<void> {
      const backend = backends.get(exporter)!;
      // The shutdown waits for this attempt on the wire, which the backend then accepts.
      void exporter.export({ request: sampleRequest(2) });
      await waitFor(() => backend.received.length === 1, 'the export to reach the backend');
    },
    assertStopped: refusesExports,
    async dispose(exporter: OtlpExporter): Promise<void> {
      await backends.get(exporter)?.close();
      backends.delete(exporter);
    },
  };
}

for (const protocol of ['http/protobuf', 'http/json', 'grpc'] as const) {
  describeLifecycleContract(`OtlpExporter over ${protocol}`, otlpExporterSubject(protocol));
}

describeLifecycleContract<DebugExporter>('DebugExporter', {
  create: () => new DebugExporter({ write: () => undefined }),
  async assertStarted(exporter) {
    await exporter.export({ request: sampleRequest(1) });
  },
  assertStopped: refusesExports,
});

describeLifecycleContract<FanOutExporter>('FanOutExporter', {
  create: () => new FanOutExporter([new DebugExporter({ write: () => undefined }), new DebugExporter({ write: () => undefined })]),
  async assertStarted(exporter) {
    await exporter.export({ request: sampleRequest(1) });
  },
  assertStopped: refusesExports,
});
