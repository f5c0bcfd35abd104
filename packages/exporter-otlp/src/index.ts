export {
  OTLP_PROTOCOLS,
  validateOtlpExporterConfig,
  type OtlpExporterConfig,
  type OtlpProtocol,
} from './config.js';
export { OtlpExporter, type OtlpExporterOptions } from './otlp-exporter.js';
export { DebugExporter, type DebugExporterOptions } from './debug-exporter.js';
export { FanOutExporter, type FanOutExporterOptions } from './fan-out-exporter.js';
export { resolveOtlpExporterEndpoint } from './endpoint.js';
export { parseOtlpHeaders } from './headers.js';
