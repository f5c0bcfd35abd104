import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import { status as GrpcCode } from '@grpc/grpc-js';
import { decodeMetricsResponse, encodeMetricsRequest } from '@otel-dp/otlp';
import type { ReceiverTlsConfig } from '../src/config.js';
import { ReceiverConfigError } from '../src/errors.js';
import { OtlpReceiver } from '../src/receiver.js';
import { callGrpcExport, failure, success } from './support/grpc-client.js';
import { callHttp } from './support/http-client.js';
import type { ClientTls } from './support/http-client.js';
import { LOOPBACK_ANY_PORT, startReceiver } from './support/harness.js';
import { RecordingConsumer } from './support/recording-consumer.js';
import { gaugeRequest } from './support/requests.js';
import { makeTestCertificates } from './support/test-certificates.js';
import type { TestCertificates } from './support/test-certificates.js';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const HANDSHAKE_TIMEOUT_MS = 5000;

let certs: TestCertificates;
before(() => {
  certs = makeTestCertificates();
});
after(() => certs.remove());

const serverTls = (): ReceiverTlsConfig => ({ certFile: certs.serverCert, keyFile: certs.serverKey });
const mutualTls = (): ReceiverTlsConfig => ({ ...serverTls(), clientCaFile: certs.caCert });
const trustOnly = (): ClientTls => ({ ca: certs.read(certs.caCert) });
const withClientCert = (): ClientTls => ({ ...trustOnly(), cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey) });
const withStrangerCert = (): ClientTls => ({ ...trustOnly(), cert: certs.read(certs.strangerCert), key: certs.read(certs.strangerKey) });

const postHttps = (port: number, client: ClientTls | undefined) =>
  callHttp({ host: '127.0.0.1', port }, { headers: PROTOBUF, body: encodeMetricsRequest(gaugeRequest(1)), tls: client });

async function httpsRefused(port: number, client: ClientTls | undefined): Promise<boolean> {
  return postHttps(port, client).then(
    () => false,
    () => true,
  );
}

/** Opens a bare TLS connection; resolves with the negotiated version or the handshake error's code. */
function handshake(port: number, options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: certs.read(certs.caCert), ...options }, () => {
      resolve(socket.getProtocol() ?? 'unknown');
      socket.destroy();
    });
    socket.setTimeout(HANDSHAKE_TIMEOUT_MS, () => socket.destroy(new Error('handshake timed out')));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('TLS on both listeners', () => {
  it('serves OTLP/HTTPS and OTLP/gRPC over TLS to clients that trust the CA', async (t) => {
    const { consumer, http, grpc, logger } = await startReceiver(t, { tls: serverTls() });
    const answer = await postHttps(http.port, trustOnly());
    assert.equal(answer.status, 200);
    assert.equal(decodeMetricsResponse(answer.body).partialSuccess, undefined);
    success(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1)), { tls: trustOnly() }));
    assert.equal(consumer.requests.length, 2);
    const announced = logger.records.filter((record) => record.level === 'info').map((record) => record.message);
    assert.deepEqual(announced, [
      `OTLP/HTTP receiver listening on 127.0.0.1:${http.port} (loopback only, TLS)`,
      `OTLP/gRPC receiver listening on 127.0.0.1:${grpc.port} (loopback only, TLS)`,
    ]);
  });

  it('refuses clients that speak plain text to a TLS listener', async (t) => {
    const { consumer, http, grpc } = await startReceiver(t, { tls: serverTls() });
    const plain = await callHttp(http, { headers: PROTOBUF, body: encodeMetricsRequest(gaugeRequest(1)) }).then(
      (answer) => answer.status,
      () => 'refused',
    );
    assert.notEqual(plain, 200);
    assert.equal(failure(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1)))).code, GrpcCode.UNAVAILABLE);
    assert.equal(consumer.requests.length, 0);
  });

  it('accepts TLS 1.2 and 1.3 and refuses older versions on both listeners', async (t) => {
    const { http, grpc } = await startReceiver(t, { tls: serverTls() });
    // A client willing to go as low as TLS 1.0, so that the refusal can only come from the server.
    const permissive = { minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' } as const;
    for (const port of [http.port, grpc.port]) {
      assert.equal(await handshake(port, { ...permissive, maxVersion: 'TLSv1.2', ALPNProtocols: ['h2', 'http/1.1'] }), 'TLSv1.2');
      assert.equal(await handshake(port, { ALPNProtocols: ['h2', 'http/1.1'] }), 'TLSv1.3');
      assert.equal(await handshake(port, { ...permissive, maxVersion: 'TLSv1.1' }), 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    }
  });
});

describe('mutual TLS', () => {
  it('refuses HTTPS clients without a certificate or with one from another CA, and accepts the CA’s', async (t) => {
    const { consumer, http, logger } = await startReceiver(t, { tls: mutualTls() });
    assert.equal(await httpsRefused(http.port, trustOnly()), true);
    assert.equal(await httpsRefused(http.port, withStrangerCert()), true);
    assert.equal((await postHttps(http.port, withClientCert())).status, 200);
    assert.equal(consumer.requests.length, 1);
    assert.ok(logger.records.some((record) => record.message === 'OTLP/HTTP TLS handshake refused'));
    assert.ok(logger.records.some((record) => record.message.endsWith('(loopback only, TLS with client certificates)')));
  });

  it('refuses gRPC clients without a certificate or with one from another CA, and accepts the CA’s', async (t) => {
    const { consumer, grpc } = await startReceiver(t, { tls: mutualTls() });
    const body = encodeMetricsRequest(gaugeRequest(1));
    assert.equal(failure(await callGrpcExport(grpc, body, { tls: trustOnly() })).code, GrpcCode.UNAVAILABLE);
    assert.equal(failure(await callGrpcExport(grpc, body, { tls: withStrangerCert() })).code, GrpcCode.UNAVAILABLE);
    success(await callGrpcExport(grpc, body, { tls: withClientCert() }));
    assert.equal(consumer.requests.length, 1);
  });
});

describe('TLS files checked at start', () => {
  async function startFailure(tlsConfig: ReceiverTlsConfig): Promise<ReceiverConfigError> {
    const receiver = new OtlpReceiver({ httpListen: LOOPBACK_ANY_PORT, grpcListen: LOOPBACK_ANY_PORT, maxRequestBytes: 1024, tls: tlsConfig }, new RecordingConsumer());
    const error = await receiver.start().then(
      () => assert.fail('start() resolved'),
      (reason: unknown) => reason,
    );
    assert.equal(receiver.httpAddress, undefined);
    assert.equal(receiver.grpcAddress, undefined);
    await receiver.shutdown();
    assert.ok(error instanceof ReceiverConfigError, String(error));
    assert.equal(error.code, 'RECEIVER_CONFIG_INVALID');
    return error;
  }

  const write = (name: string, text: string): string => {
    const path = join(certs.dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('names the flag and the path of a file that cannot be read', async () => {
    const missing = join(certs.dir, 'missing.crt');
    const error = await startFailure({ ...serverTls(), certFile: missing });
    assert.match(error.message, new RegExp(`^tls.certFile "${missing}" cannot be read: .*ENOENT`));
    assert.match((await startFailure({ ...serverTls(), keyFile: certs.dir })).message, /^tls.keyFile ".*" cannot be read: .*EISDIR/);
  });

  it('names the flag of a file that is not the PEM it should be', async () => {
    const text = write('notes.txt', 'not a certificate\n');
    assert.match((await startFailure({ ...serverTls(), certFile: text })).message, /^tls.certFile ".*notes.txt" is not a PEM certificate/);
    assert.match((await startFailure({ ...serverTls(), keyFile: certs.serverCert })).message, /^tls.keyFile ".*server.crt" is not a PEM private key/);
    assert.match((await startFailure({ ...mutualTls(), clientCaFile: certs.serverKey })).message, /^tls.clientCaFile ".*server.key" is not a PEM certificate/);
    const broken = write('broken.crt', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    assert.match((await startFailure({ ...serverTls(), certFile: broken })).message, /^tls.certFile ".*broken.crt" holds a certificate that cannot be parsed/);
  });

  it('refuses a key that does not belong to the certificate, and an encrypted key', async () => {
    const mismatch = await startFailure({ ...serverTls(), keyFile: certs.clientKey });
    assert.match(mismatch.message, /^tls.keyFile ".*client.key" cannot be used with tls.certFile ".*server.crt": /);
    const encrypted = write('encrypted.key', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n');
    assert.match((await startFailure({ ...serverTls(), keyFile: encrypted })).message, /^tls.keyFile ".*encrypted.key" is encrypted; give the key without a passphrase$/);
  });

  it('refuses to start when the process allows TLS older than 1.2', async () => {
    const processMinimum = tls.DEFAULT_MIN_VERSION;
    tls.DEFAULT_MIN_VERSION = 'TLSv1.1';
    try {
      assert.match((await startFailure(serverTls())).message, /^TLS needs TLSv1.2 or later, but this Node.js process allows TLSv1.1/);
    } finally {
      tls.DEFAULT_MIN_VERSION = processMinimum;
    }
  });
});
