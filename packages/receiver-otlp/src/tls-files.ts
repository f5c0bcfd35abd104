import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import tls from 'node:tls';
import type { SecureVersion } from 'node:tls';
import type { ReceiverTlsConfig } from './config.js';
import { ReceiverConfigError } from './errors.js';
import { fieldName, type ReceiverConfigField, type ReceiverSettingName } from './config.js';

/** The lowest TLS version either listener accepts. */
export const MIN_TLS_VERSION: SecureVersion = 'TLSv1.2';

/** The PEM contents of a {@link ReceiverTlsConfig}, checked and ready for both listeners. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** Present for mutual TLS. */
  clientCa: Buffer | undefined;
}

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';
const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;
const TLS_VERSION_ORDER: readonly string[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/**
 * Reads and checks the TLS files, so that a wrong file stops the start with
 * a message naming its setting (as `settingName` calls it, default the
 * field) rather than failing every handshake later.
 * @throws {ReceiverConfigError} when a file cannot be read, is not PEM of the
 * right kind, the key is encrypted or does not match the certificate, or
 * the process was started with a TLS minimum below 1.2.
 */
export async function loadTlsMaterial(config: ReceiverTlsConfig, settingName: ReceiverSettingName = fieldName): Promise<TlsMaterial> {
  checkProcessMinimum();
  const certFile: TlsFile = { field: 'tls.certFile', name: settingName('tls.certFile'), path: config.certFile };
  const keyFile: TlsFile = { field: 'tls.keyFile', name: settingName('tls.keyFile'), path: config.keyFile };
  const clientCaFile: TlsFile | undefined =
    config.clientCaFile === undefined ? undefined : { field: 'tls.clientCaFile', name: settingName('tls.clientCaFile'), path: config.clientCaFile };
  const [cert, key, clientCa] = await Promise.all([readPem(certFile), readPem(keyFile), clientCaFile === undefined ? undefined : readPem(clientCaFile)]);
  checkCertificate(cert, certFile);
  checkPrivateKey(key, keyFile);
  if (clientCa !== undefined && clientCaFile !== undefined) checkCertificate(clientCa, clientCaFile);
  try {
    tls.createSecureContext({ cert, key, ca: clientCa, minVersion: MIN_TLS_VERSION });
  } catch (error) {
    throw new ReceiverConfigError('tls.keyFile', `${keyFile.name} "${keyFile.path}" cannot be used with ${certFile.name} "${certFile.path}": ${reason(error)}`);
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
      'tls',
      `TLS needs ${MIN_TLS_VERSION} or later, but this Node.js process allows ${processMinimum} ` +
        '(started with --tls-min-v1.0 or --tls-min-v1.1); start it without that option',
    );
  }
}

/** One TLS file: its field, what messages call it, and its path. */
interface TlsFile {
  field: ReceiverConfigField;
  name: string;
  path: string;
}

async function readPem(file: TlsFile): Promise<Buffer> {
  try {
    return await readFile(file.path);
  } catch (error) {
    throw new ReceiverConfigError(file.field, `${file.name} "${file.path}" cannot be read: ${reason(error)}`);
  }
}

function checkCertificate(pem: Buffer, file: TlsFile): void {
  if (!pem.includes(PEM_CERTIFICATE)) {
    throw new ReceiverConfigError(file.field, `${file.name} "${file.path}" is not a PEM certificate: no "${PEM_CERTIFICATE}" line`);
  }
  try {
    new X509Certificate(pem);
  } catch (error) {
    throw new ReceiverConfigError(file.field, `${file.name} "${file.path}" holds a certificate that cannot be parsed: ${reason(error)}`);
  }
}

function checkPrivateKey(pem: Buffer, file: TlsFile): void {
  const text = pem.toString('latin1');
  if (!PEM_PRIVATE_KEY.test(text)) {
    throw new ReceiverConfigError(file.field, `${file.name} "${file.path}" is not a PEM private key: no "-----BEGIN … PRIVATE KEY-----" line`);
  }
  if (text.includes('ENCRYPTED')) {
    throw new ReceiverConfigError(file.field, `${file.name} "${file.path}" is encrypted; give the key without a passphrase`);
  }
  try {
    createPrivateKey(pem);
  } catch (error) {
    throw new ReceiverConfigError(file.field, `${file.name} "${file.path}" holds a private key that cannot be parsed: ${reason(error)}`);
  }
}

// File-system and OpenSSL messages name the problem, not the file's contents.
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
