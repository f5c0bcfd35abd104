import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import tls from 'node:tls';
import type { SecureVersion } from 'node:tls';
import type { ReceiverTlsConfig } from './config.js';
import { ReceiverConfigError } from './errors.js';

/** The lowest TLS version either listener accepts. */
export const MIN_TLS_VERSION: SecureVersion = 'TLSv1.2';

/** The PEM contents of a {@link ReceiverTlsConfig}, checked and ready for both listeners. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** Present for mutual TLS. */
  clientCa: Buffer | undefined;
}

const CERT_FLAG = '--tls-cert';
const KEY_FLAG = '--tls-key';
const CLIENT_CA_FLAG = '--tls-client-ca';
const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';
const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;
const TLS_VERSION_ORDER: readonly string[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/**
 * Reads and checks the TLS files, so that a wrong file stops the start with
 * a message naming its flag rather than failing every handshake later.
 * @throws {ReceiverConfigError} when a file cannot be read, is not PEM of the
 * right kind, the key is encrypted or does not match the certificate, or
 * the process was started with a TLS minimum below 1.2.
 */
export async function loadTlsMaterial(config: ReceiverTlsConfig): Promise<TlsMaterial> {
  checkProcessMinimum();
  const [cert, key, clientCa] = await Promise.all([
    readPem(config.certFile, CERT_FLAG),
    readPem(config.keyFile, KEY_FLAG),
    config.clientCaFile === undefined ? undefined : readPem(config.clientCaFile, CLIENT_CA_FLAG),
  ]);
  checkCertificate(cert, config.certFile, CERT_FLAG);
  checkPrivateKey(key, config.keyFile);
  if (clientCa !== undefined && config.clientCaFile !== undefined) checkCertificate(clientCa, config.clientCaFile, CLIENT_CA_FLAG);
  try {
    tls.createSecureContext({ cert, key, ca: clientCa, minVersion: MIN_TLS_VERSION });
  } catch (error) {
    throw new ReceiverConfigError(`${KEY_FLAG} "${config.keyFile}" cannot be used with ${CERT_FLAG} "${config.certFile}": ${reason(error)}`);
  }
  return { cert, key, clientCa };
}

/**
 * The HTTPS listener sets its minimum itself; grpc-js takes the process
 * default, which `node --tls-min-v1.0` or `--tls-min-v1.1` would lower.
 */
function checkProcessMinimum(): void {
  // Read from the module object: the property can change after start-up.
  const processMinimum = tls.DEFAULT_MIN_VERSION;
  if (TLS_VERSION_ORDER.indexOf(processMinimum) < TLS_VERSION_ORDER.indexOf(MIN_TLS_VERSION)) {
    throw new ReceiverConfigError(
      `TLS needs ${MIN_TLS_VERSION} or later, but this Node.js process allows ${processMinimum} ` +
        '(started with --tls-min-v1.0 or --tls-min-v1.1); start it without that option',
    );
  }
}

async function readPem(path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new ReceiverConfigError(`${flag} "${path}" cannot be read: ${reason(error)}`);
  }
}

function checkCertificate(pem: Buffer, path: string, flag: string): void {
  if (!pem.includes(PEM_CERTIFICATE)) {
    throw new ReceiverConfigError(`${flag} "${path}" is not a PEM certificate: no "${PEM_CERTIFICATE}" line`);
  }
  try {
    new X509Certificate(pem);
  } catch (error) {
    throw new ReceiverConfigError(`${flag} "${path}" holds a certificate that cannot be parsed: ${reason(error)}`);
  }
}

function checkPrivateKey(pem: Buffer, path: string): void {
  const text = pem.toString('latin1');
  if (!PEM_PRIVATE_KEY.test(text)) {
    throw new ReceiverConfigError(`${KEY_FLAG} "${path}" is not a PEM private key: no "-----BEGIN … PRIVATE KEY-----" line`);
  }
  if (text.includes('ENCRYPTED')) {
    throw new ReceiverConfigError(`${KEY_FLAG} "${path}" is encrypted; give the key without a passphrase`);
  }
  try {
    createPrivateKey(pem);
  } catch (error) {
    throw new ReceiverConfigError(`${KEY_FLAG} "${path}" holds a private key that cannot be parsed: ${reason(error)}`);
  }
}

// File-system and OpenSSL messages name the problem, not the file's contents.
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
