export { OtlpHttpTestServer, serveOtlpHttp, type ReceivedRequest, type Responder, type ScriptedResponse } from './otlp-http-test-server.js';
export { markerOf, sampleRequest } from './sample-request.js';
