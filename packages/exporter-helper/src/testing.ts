export { FAST_RETRY } from './fast-retry.js';
export { CountingExporter } from './counting-exporter.js';
