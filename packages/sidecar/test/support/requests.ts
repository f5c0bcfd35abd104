/** A token value tests send and then search for in everything the sidecar writes. */
export const TOKEN = 'tok_live_a1b2c3d4e5';

/**
 * One OTLP/JSON request: a delta counter point of `http.server.requests`
 * on `route`, carrying `token` as `api.token`, timestamped now.
 */
export function tokenedRequest(options: { token?: string; route?: string; value?: number } = {}): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeMetrics: [
          {
            scope: { name: 'test' },
            metrics: [
              {
                name: 'http.server.requests',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      asInt: String(options.value ?? 3),
                      startTimeUnixNano: String(now - 1_000_000_000n),
                      timeUnixNano: String(now),
                      attributes: [
                        { key: 'api.token', value: { stringValue: options.token ?? TOKEN } },
                        { key: 'http.route', value: { stringValue: options.route ?? '/users' } },
                      ],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });
}

/** POSTs an OTLP/JSON body to an OTLP/HTTP listener (`host:port`) and returns the status. */
export async function postJson(http: string, body: string): Promise<number> {
  const response = await fetch(`http://${http}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await response.arrayBuffer();
  return response.status;
}
