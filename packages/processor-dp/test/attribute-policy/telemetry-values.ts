// Realistic attribute values that must never be taken for credentials. The
// list doubles as the negative half of the random-token calibration: any
// change to a detection threshold has to keep every one of them clean.

export const ROUTES_AND_URLS = [
  '/users/{id}',
  '/api/v1/users/{userId}/orders/{orderId}',
  '/api/v2/organizations/:orgId/projects/:projectId/members',
  '/api/v1/Accounts/AC123/Messages/SM456',
  '/docs/GettingStarted/QuickStart-Guide-v3',
  'https://api.example.com/v1/checkout/sessions?expand=line_items',
  'https://api.example.com/v1/users?limit=50&cursor=2024-05-14',
  'https://shop.example.com/products/blue-widget-2000',
  'https://REDACTED:REDACTED@www.example.com/',
  'https://storage.example.com/exports/report.csv?X-Amz-Signature=REDACTED&X-Amz-Expires=300',
  'redis://cache.internal:6379/0',
  'postgresql://db.internal:5432/orders',
  'amqp://rabbitmq.messaging.svc:5672/%2F',
  'mongodb+srv://cluster0.ab1cd.mongodb.net/test?retryWrites=true&w=majority',
  'ssh://git@github.com/open-telemetry/opentelemetry-js.git',
  'grpc.health.v1.Health/Check',
  'opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
];

export const IDENTIFIERS = [
  '550e8400-e29b-41d4-a716-446655440000',
  'F47AC10B-58CC-4372-A567-0E02B2C3D479',
  '507f1f77bcf86cd799439011',
  '00f067aa0ba902b7',
  '1715679087123',
  'i-0123456789abcdef0',
  'ami-0abcdef1234567890',
  'subnet-0bb1c79de3e8d9a2f',
  'arn:aws:lambda:eu-west-1:123456789012:function:checkout-handler',
  'arn:aws:iam::123456789012:role/service-role/MyLambdaRole',
  'projects/my-project-123456/locations/europe-west1/services/checkout',
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/prod-rg',
  'sha256:3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a',
  '00000000000000000000000000000000',
  'deadbeefdeadbeefdeadbeefdeadbeef',
];

export const HOSTS_AND_WORKLOADS = [
  'ip-10-0-12-34.eu-west-1.compute.internal',
  'checkout-service.production.svc.cluster.local',
  'gke-prod-europe-west1-default-pool-6f2c1a9e-x7kq',
  'api-7d9f8b6c5d-x2k9q',
  'payment-gateway-canary-5b8c9d7f6-h4m2p',
  'ingress-nginx-controller-6d5f7c8b9-4vwzq',
  'order-service-v2-7d9f8b6c5d-x2k9q',
  'default/frontend-7f9c6d5b8-qwz4r',
  'kube-system/coredns-5d78c9869d-8mxnq',
  'otel-collector-daemonset-7xk2p',
  'eu-west-1a',
  'n2-standard-8',
  'Standard_D4s_v5',
  'ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib:0.98.0',
  'registry.k8s.io/pause:3.9',
];

export const SEMANTIC_CONVENTION_VALUES = [
  'http.server.request.duration',
  'db.client.connection.pool.usage',
  'checkout_service_http_server_request_duration_seconds',
  'GET',
  '200',
  'HTTP/1.1',
  'postgresql',
  'x86_64-unknown-linux-gnu',
  'aarch64-apple-darwin23.4.0',
  'application/vnd.api+json; charset=utf-8',
  'en-US,en;q=0.9,de;q=0.8',
  'max-age=31536000; includeSubDomains',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'AWS4-HMAC-SHA256',
  'RS256',
  'Basic Auth',
  'Bearer Token',
  'Bearer authentication failed',
  'Token expired',
];

export const VERSIONS = ['1.27.0', 'v2.14.3-rc.1+build.5678', '20.11.1', 'go1.22.3', '3.12.2 (main, Feb  6 2024, 20:19:44) [GCC 12.2.0]', 'MyApp-Release-2024-05-14-Build7788'];

export const SQL_AND_MESSAGES = [
  'SELECT id, name FROM users WHERE id = $1',
  'INSERT INTO orders (customer_id, total) VALUES (?, ?)',
  'UPDATE accounts SET balance = balance - $1 WHERE id = $2',
  'SELECT id, scopes FROM api_tokens WHERE token=$1 AND revoked_at IS NULL',
  '/oauth/callback?code={code}&state={state}',
  'Connection reset by peer',
  'context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
];

export const FILE_PATHS = [
  '/var/lib/kubelet/pods/a1b2c3/volumes/kubernetes.io~configmap/config',
  '/usr/local/lib/node_modules/npm/bin/npm-cli.js',
  '/home/runner/work/otel-dp/otel-dp/packages/processor-dp/src/index.ts',
  '/home/ubuntu/Projects/MyService/bin/Release',
  '/nix/store/0c7sdqi5xj9qz1vxqs1w5l1w6ql9ijkz-openssl-3.0.13/lib/libssl.so.3',
  'C:\\Program Files\\MyApp\\bin\\service.exe',
  '/static/js/main.4f3a9c2b.chunk.js',
  '/assets/index-BRmU1gDf.css',
];

/**
 * Long single words in mixed case: what the random-token rule must tell apart
 * from base62/base64 tokens.
 */
export const CODE_IDENTIFIERS = [
  'io.opentelemetry.sdk.metrics.SdkMeterProvider',
  'com.example.checkout.PaymentAuthorizationService',
  'Microsoft.AspNetCore.Hosting.Diagnostics',
  'PaymentAuthorizationServiceImplementation',
  'handleIncomingWebhookNotificationRequest',
  'OtlpGrpcMetricExporterBuilder',
  'OTLPMetricExporterHTTPProtobufV1',
  'ThisIsALongCamelCaseIdentifierName',
  'CheckoutFlowV2ExperimentVariantB',
  'AbstractSingletonProxyFactoryBean',
  'IOExceptionWhileReadingS3ObjectV2',
  'X509CertificateValidationFailed',
  'Base64UrlEncodedPayloadTooLarge',
  'OAuth2TokenIntrospectionClient',
  'GetUserByIdV3QueryHandlerAsync',
  'DescribeDBClusterSnapshotAttributes',
  'AwsSdkV3S3ClientPutObjectCommand',
  'ErrUnexpectedEOFInChunkedBody',
  'k8sIoApiCoreV1PodSpecContainers',
  'useQueryClientV5WithSuspense',
  'HttpClient4xxErrorResponseHandler',
  'Sha256DigestMismatchOnLayer7',
  'CloudFrontOriginAccessIdentityE2QWRUHAPOMQZL',
  'TenantA-Region3-Cluster12-NodePool7',
  'X-Amzn-Trace-Id_Root-1-67891233',
  'ValidationError_FieldUserEmailAddress',
  'OrderPlacedEventV2_Handler_Retry3',
  'app-Deployment-7d9fB8c-Rollout',
  'jQuery3_6_0_min_js_Bundle',
  'Content-Security-Policy-Report-Only',
  'SELECT_UserById_WithOrders_V2',
  'Q2_2024_EMEA_Enterprise_Renewals',
  'StripeWebhookSignatureVerifier',
  'NpgsqlConnectionPool_MaxPoolSize100',
  'ExperimentCohort_B7_Holdout2024Q3',
  'RdsDbInstance-ProdOrders-Replica2',
  'CloudFormationStack-Checkout-Prod-9XK2',
  'BlobStorage_ContainerName_Backups2024',
  'ProductCatalogV3_SearchIndex_EN_US',
  'EC2InstanceTypeM5XLargeSpotFleet',
  'iPhone15ProMaxSafari17_4_1WebView',
  'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
  'premium_subscription_monthly_2024',
  'sk-learn-classification-pipeline-v2',
];

/** Every realistic value above, in one list. */
export const TELEMETRY_VALUES: readonly string[] = [
  ...ROUTES_AND_URLS,
  ...IDENTIFIERS,
  ...HOSTS_AND_WORKLOADS,
  ...SEMANTIC_CONVENTION_VALUES,
  ...VERSIONS,
  ...SQL_AND_MESSAGES,
  ...FILE_PATHS,
  ...CODE_IDENTIFIERS,
];
