#!/usr/bin/env node
import { main } from '../dist/src/cli.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Normally nothing is left running and the process ends here, with all output
// flushed. If a connection or timer outlived the shutdown deadline, end anyway.
setTimeout(() => process.exit(code), 1_000).unref();
