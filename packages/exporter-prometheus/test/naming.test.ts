import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attributeValueText, sanitizeLabelName } from '../src/labels.js';
import { prometheusMetricName, type PrometheusKind } from '../src/metric-name.js';

const NAMES: Array<[name: string, unit: string, kind: PrometheusKind, expected: string]> = [
  ['http.server.duration', 'ms', 'histogram', 'http_server_duration_milliseconds'],
  ['http.server.duration', 's', 'histogram', 'http_server_duration_seconds'],
  ['http.server.requests', '{request}', 'counter', 'http_server_requests_total'],
  ['http.server.requests', '', 'counter', 'http_server_requests_total'],
  ['requests_total', '', 'counter', 'requests_total'],
  ['process.runtime.memory', 'By', 'gauge', 'process_runtime_memory_bytes'],
  ['system.network.io', 'By', 'counter', 'system_network_io_bytes_total'],
  ['network.io', 'By/s', 'gauge', 'network_io_bytes_per_second'],
  ['queue.rate', '{message}/s', 'gauge', 'queue_rate_per_second'],
  ['system.memory.utilization', '1', 'gauge', 'system_memory_utilization_ratio'],
  ['cache.hit_ratio', '1', 'gauge', 'cache_hit_ratio'],
  ['errors', '1', 'counter', 'errors_total'],
  ['cpu.time', 's', 'counter', 'cpu_time_seconds_total'],
  ['response.size.bytes', 'By', 'histogram', 'response_size_bytes'],
  ['disk.usage', 'GiBy', 'gauge', 'disk_usage_gibibytes'],
  ['temperature', 'Cel', 'gauge', 'temperature_celsius'],
  ['battery', '%', 'gauge', 'battery_percent'],
  ['odd unit', 'furlongs', 'gauge', 'odd_unit_furlongs'],
  ['weird--name..x', '', 'gauge', 'weird_name_x'],
  ['k8s:pod:cpu', '', 'gauge', 'k8s:pod:cpu'],
  ['2xx.responses', '', 'counter', '_2xx_responses_total'],
  ['héllo', '', 'gauge', 'h_llo'],
  ['...', '', 'gauge', ''],
];

for (const [name, unit, kind, expected] of NAMES) {
  test(`metric ${JSON.stringify(name)} unit ${JSON.stringify(unit)} as ${kind} -> ${JSON.stringify(expected)}`, () => {
    assert.equal(prometheusMetricName(name, unit, kind), expected);
  });
}

const LABELS: Array<[key: string, expected: string]> = [
  ['http.route', 'http_route'],
  ['http.status_code', 'http_status_code'],
  ['a..b', 'a_b'],
  ['__reserved', '_reserved'],
  ['2fa', 'key_2fa'],
  ['k8s.pod:name', 'k8s_pod_name'],
  ['ünï', '_n_'],
  ['', ''],
  ['.', ''],
];

for (const [key, expected] of LABELS) {
  test(`attribute key ${JSON.stringify(key)} -> label ${JSON.stringify(expected)}`, () => {
    assert.equal(sanitizeLabelName(key), expected);
  });
}

test('attribute values as label text', () => {
  assert.equal(attributeValueText({ stringValue: 'x y' }), 'x y');
  assert.equal(attributeValueText({ boolValue: false }), 'false');
  assert.equal(attributeValueText({ intValue: 9_007_199_254_740_993n }), '9007199254740993');
  assert.equal(attributeValueText({ doubleValue: 0.25 }), '0.25');
  assert.equal(attributeValueText({ doubleValue: Number.POSITIVE_INFINITY }), '+Inf');
  assert.equal(attributeValueText({ bytesValue: Uint8Array.of(1, 2, 3) }), 'AQID');
  assert.equal(attributeValueText({ arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2n }, { boolValue: true }] } }), '["a",2,true]');
  assert.equal(attributeValueText({ kvlistValue: { values: [{ key: 'k', value: { doubleValue: 1.5 } }] } }), '{"k":1.5}');
  assert.equal(attributeValueText({}), '');
});
