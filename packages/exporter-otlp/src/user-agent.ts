import { createRequire } from 'node:module';

// Read once at load: the compiled module sits in dist/src/, two levels below package.json.
const packageJson = createRequire(import.meta.url)('../../package.json') as { version: string };

/** The User-Agent of every request, `otel-dp/<package version>`. */
export const USER_AGENT = `otel-dp/${packageJson.version}`;
