import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { looksLikeCredential } from '../../src/attribute-policy/index.js';
import { TELEMETRY_VALUES } from './telemetry-values.js';

// A JWT signed with HS256 over {"sub":"1234567890","name":"Jane","iat":1516239022}.
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUiLCJpYXQiOjE1MTYyMzkwMjJ9.' +
  'Zw3xYlq0b8s1ICqQ9ZQy0ZkT0pBz2s9N3XoZrYw9hVg';

/** Credentials as they turn up in attribute values, by rule. */
const CREDENTIALS: Record<string, string[]> = {
  authorization: [
    'Bearer 8f3kLm2Qz9xT4vWp',
    `Bearer ${JWT}`,
    'bearer mF_9.B5f-4.1JqM',
    'Authorization: Bearer ya29.a0AfH6SMBx3',
    'Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b',
    'Basic dXNlcjpwYXNzd29yZA==',
    'Proxy-Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l',
  ],
  jwt: [
    JWT,
    `session=${JWT}; Path=/; HttpOnly`,
    // An unsecured JWT ("alg":"none") has an empty signature segment.
    'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
    // A JWE has five segments; its header names an alg as well.
    'eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji.XFBoMYUZodetZdvTiFvSkQ',
  ],
  'vendor key formats': [
    'AKIAIOSFODNN7EXAMPLE',
    'ASIAY34FZKBOKMUTVV7A',
    'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
    'gho_16C7e42F292c6912E7710c838347Ae178B4a',
    'ghs_16C7e42F292c6912E7710c838347Ae178B4a',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456',
    'glpat-Zx9yWv8uTs7rQp6oNm5l',
    'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    'xoxp-123456789012-123456789012-123456789012-0123456789abcdef0123456789abcdef',
    'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
    'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
    'rk_live_51H8abcdEFGH1234ijklMNOP',
    'pk_live_51H8abcdEFGH1234ijklMNOP',
    'whsec_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH',
    'AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe',
    'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z',
    'sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6hIj9k',
    'npm_abcdefghijklmnopqrstuvwxyzABCDEF0123',
    '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',
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx4R0',
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    '-----BEGIN PGP PRIVATE KEY BLOCK-----',
    'GITHUB_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  ],
  'URL credentials': [
    'postgres://app:s3cret@db.internal:5432/orders',
    'redis://:hunter2@cache.internal:6379/0',
    'https://deploy:p%40ss@registry.example.com/v2/',
    'https://oauth2:glpat@gitlab.example.com/group/repo.git',
    'https://Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z@github.com/org/repo.git',
  ],
  parameters: [
    'https://api.example.com/v1/items?token=abc123',
    '/callback#access_token=ya29.a0AfH6SM&token_type=Bearer',
    '/download?X-Amz-Signature=8c3b7d1f&X-Amz-Credential=AKIAEXAMPLE%2F20240514',
    'https://maps.example.com/api/js?key=AIzaSyD&callback=init',
    'sv=2022-11-02&ss=b&srt=sco&sp=rl&sig=lDvW1r%2BzQ%3D',
    'Server=db.internal;Database=orders;User Id=sa;Password=hunter2;',
    'host=db port=5432 dbname=orders user=app; password=hunter2',
    'client_id=checkout&client_secret=2f9c1b',
    'host=db.internal port=5432 user=app password=hunter2 dbname=orders',
    'DefaultEndpointsProtocol=https;AccountName=orders;AccountKey=bXlrZXk=;EndpointSuffix=core.windows.net',
  ],
  'random tokens': [
    '4bf92f3577b34da6a3ce929d0e0e4736',
    'R2VuZXJhdGVkUmFuZG9tVG9rZW5WYWx1ZTEy',
    'qGwfLYiEl5fC+QanFrH4P0mvlsLIbmZh',
    's3_vXnQtso_ZlaWKzfeSUwx6m_F5VLi2',
  ],
};

describe('looksLikeCredential', () => {
  for (const [rule, values] of Object.entries(CREDENTIALS)) {
    it(`flags ${rule}`, () => {
      assert.deepEqual(
        values.filter((value) => !looksLikeCredential(value)),
        [],
      );
    });
  }

  it('has a large positive list', () => {
    assert.ok(Object.values(CREDENTIALS).flat().length >= 30);
  });

  it('leaves realistic telemetry values alone', () => {
    assert.deepEqual(TELEMETRY_VALUES.filter(looksLikeCredential), []);
  });

  it('treats UUIDs as identifiers, and the same 128 bits without dashes as a likely secret', () => {
    assert.equal(looksLikeCredential('550e8400-e29b-41d4-a716-446655440000'), false);
    assert.equal(looksLikeCredential('550e8400e29b41d4a716446655440000'), true);
  });

  it('accepts the placeholders the semantic conventions prescribe for redacted secrets', () => {
    assert.equal(looksLikeCredential('https://REDACTED:REDACTED@www.example.com/'), false);
    assert.equal(looksLikeCredential('/search?q=shoes&sig=REDACTED'), false);
    assert.equal(looksLikeCredential('Password=****;Server=db'), false);
    assert.equal(looksLikeCredential('https://api.example.com/?token='), false);
  });

  it('does not take bind parameters or template variables for secrets', () => {
    for (const value of ['SELECT id FROM api_keys WHERE key=$1', 'UPDATE users SET password=? WHERE id=?', '/oauth/callback?token={token}', 'Password=:password;Server=db', 'key=%s']) {
      assert.equal(looksLikeCredential(value), false, value);
    }
  });

  it('needs a plausible credential after an authorization scheme', () => {
    assert.equal(looksLikeCredential('Bearer Token'), false);
    assert.equal(looksLikeCredential('Bearer authentication'), false);
    assert.equal(looksLikeCredential('Token authentication-failure'), false);
    assert.equal(looksLikeCredential('Token 9944b09199c62bcf'), true);
    assert.equal(looksLikeCredential('Basic Auth'), false);
    assert.equal(looksLikeCredential('Basic plan'), false);
    assert.equal(looksLikeCredential('Bearer realm="api", error="invalid_token"'), false);
  });

  it('requires a JWT header to decode to JSON naming an alg', () => {
    // {"typ":"JWT"} has no alg; {"alg" … is cut off and is not JSON.
    assert.equal(looksLikeCredential('eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.c2ln'), false);
    assert.equal(looksLikeCredential('eyJhbGciOiJIUzI1.eyJzdWIiOiIxIn0.c2ln'), false);
  });

  it('does not take a user name alone, or a port, for URL credentials', () => {
    assert.equal(looksLikeCredential('ssh://git@github.com/org/repo.git'), false);
    assert.equal(looksLikeCredential('https://api.example.com:8443/v1/users@me'), false);
  });

  it('requires an OpenAI-style body to mix case and digits, as generated keys do', () => {
    assert.equal(looksLikeCredential('sk-learn-classification-pipeline-v2'), false);
    assert.equal(looksLikeCredential('sk-Ab3dEf6hIj9kLm2nOp5qRs8t'), true);
  });

  it('finds vendor formats inside longer values but not inside longer words', () => {
    assert.equal(looksLikeCredential('export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE'), true);
    assert.equal(looksLikeCredential('XAKIAIOSFODNN7EXAMPLE'), false);
    assert.equal(looksLikeCredential('AKIAIOSFODNN7EXAMPLE0'), false);
  });

  it('answers quickly for short values without a marker', () => {
    for (const value of ['GET', '200', 'eu-west-1a', 'checkout', 'AKIA', 'ghp_', '']) {
      assert.equal(looksLikeCredential(value), false, value);
    }
    assert.equal(looksLikeCredential('pwd=x'), true);
    assert.equal(looksLikeCredential('ftp://a:b@h'), true);
  });

  it('stays linear on long crafted values', () => {
    const crafted = [
      'ey'.repeat(50_000),
      `${'a'.repeat(100_000)}://`,
      'a://'.repeat(25_000),
      `sk-${'a'.repeat(100_000)}`,
      `?token${'='.repeat(100_000)}`,
      ` ${' '.repeat(100_000)}x`,
      'Bearer '.repeat(15_000),
    ];
    const started = process.hrtime.bigint();
    for (const value of crafted) looksLikeCredential(value);
    const elapsedMillis = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(elapsedMillis < 1000, `took ${elapsedMillis.toFixed(0)} ms`);
  });
});
