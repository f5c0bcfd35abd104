import { AdminServer, type AdminServerConfig, type AdminServerOptions } from '../../src/index.js';
import { RecordingLogger } from '@otel-dp/pipeline/testing';

/** A started admin endpoint on 127.0.0.1 and a free port, with a recording logger. */
export interface RunningAdmin {
  admin: AdminServer;
  logger: RecordingLogger;
  /** `http://127.0.0.1:<port>` */
  base: string;
}

export async function startAdmin(options: Partial<AdminServerOptions> = {}, config: Partial<AdminServerConfig> = {}): Promise<RunningAdmin> {
  const logger = new RecordingLogger();
  const admin = new AdminServer(
    { listen: { host: '127.0.0.1', port: 0 }, ...config },
    { sources: [], configInEffect: {}, exporterHealth: () => [], logger, ...options },
  );
  await admin.start();
  const port = admin.address?.port;
  if (port === undefined) throw new Error('the admin endpoint did not report its address');
  return { admin, logger, base: `http://127.0.0.1:${port}` };
}
