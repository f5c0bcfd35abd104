import assert from 'node:assert/strict';
import { describeLifecycleContract, type LifecycleSubject, type OtlpHttpTestServer, sampleRequest, serveOtlpHttp, waitFor } from '@otel-dp/otlp/testing';
import { ExporterError } from '@otel-dp/exporter-helper';
import { DebugExporter, FanOutExporter, OtlpExporter, type OtlpProtocol } from '../src/index.js';
import { FAST_RETRY } from '@otel-dp/exporter-helper/testing';
import { OtlpGrpcTestServer } from './support/otlp-grpc-server.js';

/** How long the backend holds each answer, so a shutdown finds an attempt on the wire. */
const ANSWER_DELAY_MILLIS = 200;

async function refusesExports(exporter: { export: DebugExporter['export'] }): Promise<void> {
  await assert.rejects(exporter.export({ request: sampleRequest(9) }), (error: unknown) => error instanceof ExporterError && error.code === 'EXPORT_SHUTDOWN');
}

function otlpExporterSubject(protocol: OtlpProtocol): LifecycleSubject<OtlpExporter> {
  const backends = new Map<OtlpExporter, OtlpHttpTestServer>();
  return {
    async create(): Promise<OtlpExporter> {
      const { server, endpoint } = await serveOtlpHttp(() => ({ status: 200, delayMillis: ANSWER_DELAY_MILLIS }));
      const exporter = new OtlpExporter(
        { endpoint, protocol, headers: {}, compression: 'none', timeoutMillis: 5000, retry: FAST_RETRY },
        { shutdownTimeoutMillis: 5000 },
      );
      backends.set(exporter, server);
      return exporter;
    },
    async assertStarted(exporter: OtlpExporter): Promise<void> {
      await exporter.export({ request: sampleRequest(1) });
      assert.equal(backends.get(exporter)?.received.length, 1);
    },
    async load(exporter: OtlpExporter): Promise<void> {
      const backend = backends.get(exporter)!;
      const delivered = exporter.export({ request: sampleRequest(2) });
      await waitFor(() => backend.received.length === 1, 'the export to reach the backend');
      // The shutdown waits for the attempt on the wire, which the backend then accepts.
      void delivered;
    },
    assertStopped: refusesExports,
    async dispose(exporter: OtlpExporter): Promise<void> {
      await backends.get(exporter)?.close();
      backends.delete(exporter);
    },
  };
}

describeLifecycleContract('OtlpExporter over http/protobuf', otlpExporterSubject('http/protobuf'));
describeLifecycleContract('OtlpExporter over grpc', grpcExporterSubject());
describeLifecycleContract('OtlpExporter over http/json', otlpExporterSubject('http/json'));

function grpcExporterSubject(): LifecycleSubject<OtlpExporter> {
  const backends = new Map<OtlpExporter, OtlpGrpcTestServer>();
  return {
    async create(): Promise<OtlpExporter> {
      const server = new OtlpGrpcTestServer(() => ({ ok: true, delayMillis: ANSWER_DELAY_MILLIS }));
      const endpoint = await server.start();
      const exporter = new OtlpExporter({ endpoint, protocol: 'grpc', headers: {}, compression: 'none', timeoutMillis: 5000, retry: FAST_RETRY }, { shutdownTimeoutMillis: 5000 });
      backends.set(exporter, server);
      return exporter;
    },
    async assertStarted(exporter: OtlpExporter): Promise<void> {
      await exporter.export({ request: sampleRequest(1) });
      assert.equal(backends.get(exporter)?.received.length, 1);
    },
    async load(exporter: OtlpExporter): Promise<void> {
      const backend = backends.get(exporter)!;
      void exporter.export({ request: sampleRequest(2) });
      await waitFor(() => backend.received.length === 1, 'the call to reach the backend');
    },
    assertStopped: refusesExports,
    dispose(exporter: OtlpExporter): void {
      backends.get(exporter)?.close();
      backends.delete(exporter);
    },
  };
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
