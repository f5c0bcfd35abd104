import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { looksLikeCredential } from '../../src/attribute-policy/index.js';
import { entropyBits, looksLikeRandomToken } from '../../src/attribute-policy/random-token.js';
import { CODE_IDENTIFIERS, TELEMETRY_VALUES } from './telemetry-values.js';

/**
 * Calibration positives: tokens drawn once from node:crypto and frozen here,
 * in the alphabets and lengths secrets come in (base64, base64url, base62 of
 * 24 to 44 characters; hex of 32, 40 and 64 digits).
 */
const RANDOM_TOKENS = [
  'qGwfLYiEl5fC+QanFrH4P0mvlsLIbmZh',
  'r9mcXUqBPNoqwjRKB4lKoqDgvO9OxVFj',
  '97VLNyMlokuO3KpDurG3Y5Kg+faIF9Pv',
  'LRBtYoR+DEGrGdBWlnexSK8X+tRr11B1',
  'Ckz/q4sp1sDRLjq/ohLmuFhF742B5Hkb',
  'Uc3gnsoBNozJowX/QjaBVjCeV618n4aB',
  's3_vXnQtso_ZlaWKzfeSUwx6m_F5VLi2',
  '7dIqjZIYu8hTDQsMv6HJubxoMwKxh9n1',
  'xMZxRtoOI5dkcKtgDXxS2m8Parl3jqOX',
  'M_debnKJKjMZGDdFP9Dsh8wtO7Jwv3Vu',
  'wWf2bNjCLkUUqrZLU6mcrftrwie63cmh',
  '440lgRj5Z1eDzJEY9roRXRBdxNM0Pdyf',
  '92MD9hp5zY0sJTy8wURMTvDzPuSf9fzm',
  'sbCgGgFKGbY6XfgnAAmSRvD0Ek2dXohI',
  'IfTf1zQjJHrEh6HcIOhVFF33IbArVwJ3',
  'tOaDiABCao4Ja4rSmJ6clDceT7pPfdF8',
  'm1Jz2xpCCai4lBsMU1PZryzUsoRHE8LK',
  'L5h4LsoNUYKlx1FlTEej9UIWXjP4HZuH',
  '256ebce939be0c28db2582808ede3d28',
  'd81561a15ab67e894f129facc0227f67',
  '2f090aa739a43c7412bfaf301b135230',
  '60261553B84F8C620866093D22D0D253',
  '931ac2cdfdbd2ce2598b13f0a2f6b54fd4cdbd60',
  '121136048f84a2ba1bf05b0c9e9afb9cae6e7ac1',
  'fa608ad8ba6081c9da1c05d76af99bedbddef5af',
  '548ca0ce3f1e526692ff177aeeffdebbdeeb76b66f2f4bf1f6dcd07bb166017b',
  '072795249a6deb762f80514996df7799b7dd8b979ebb04741acc407f0b91da65',
  'd71357a0ec9569ddf181ac214b127ad0a03f10c979bca388b3f16ff5decc3a43',
  'TwM5cVx4ucspfwMlvPuHm+YU',
  'vqVzbF1ax9vHytnYNll+G1X4',
  'v7c+x7LOGIeJ03pPwc2hvKFX',
  'ySpmMBNaSuxM2jRzCrej8qbyM2ojbrqQzhjzVaGMeVA=',
  'hMbQSgnrviHQzhqlDExh2vlmw5Wenf1MdIpRcXaOqco=',
  '7AblLMODzeAVcopEbvGMD9Xf/vu11ces2U8Vis1nfiU=',
  'wFCV5f0Bvq3sdptG8i3Bh5Xm2aSKmf8ArmbUqGjt',
  'fnm4Kx7LlPl88uD5LmHCQKdDKaTscHRjWEHQZteY',
];

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `length` pseudo-random bytes for sample `index`: SHA-256 in counter mode
 * over a fixed label. Deterministic, so the detection rate below is a fixed
 * number rather than a draw, and every bit still comes from node:crypto.
 */
function sampleBytes(index: number, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let block = 0; blocks.length * 32 < length; block++) {
    blocks.push(createHash('sha256').update(`attribute-policy calibration ${index}/${block}`).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** 32 base62 characters by rejection sampling (bytes ≥ 248 would bias the modulo). */
function base62Sample(index: number): string {
  const bytes = sampleBytes(index, 64);
  let text = '';
  for (let i = 0; i < bytes.length && text.length < 32; i++) {
    if (bytes[i] < 248) text += BASE62[bytes[i] % 62];
  }
  assert.equal(text.length, 32, 'enough bytes survive rejection');
  return text;
}

const SAMPLES_PER_ALPHABET = 2000;
const GENERATORS: Record<string, (index: number) => string> = {
  base64: (index) => sampleBytes(index, 24).toString('base64'),
  base64url: (index) => sampleBytes(index, 24).toString('base64url'),
  base62: base62Sample,
  hex: (index) => sampleBytes(index, 16).toString('hex'),
};

describe('random-token rule', () => {
  it('classifies every calibration positive as a credential', () => {
    const missed = RANDOM_TOKENS.filter((token) => !looksLikeRandomToken(token));
    assert.deepEqual(missed, []);
  });

  it('classifies every calibration negative as clean', () => {
    const flagged = TELEMETRY_VALUES.filter((value) => looksLikeCredential(value));
    assert.deepEqual(flagged, []);
    assert.ok(TELEMETRY_VALUES.length >= 100, `${TELEMETRY_VALUES.length} realistic values`);
  });

  it('catches at least 99% of 32-character random strings in each alphabet, deterministically', (t) => {
    for (const [alphabet, generate] of Object.entries(GENERATORS)) {
      let caught = 0;
      for (let index = 0; index < SAMPLES_PER_ALPHABET; index++) {
        const token = generate(index);
        assert.equal(token.length, 32);
        if (looksLikeCredential(token)) caught++;
      }
      const rate = caught / SAMPLES_PER_ALPHABET;
      t.diagnostic(`${alphabet}: ${caught}/${SAMPLES_PER_ALPHABET} caught (${(rate * 100).toFixed(2)}%)`);
      assert.ok(rate >= 0.99, `${alphabet}: only ${caught}/${SAMPLES_PER_ALPHABET} caught`);
    }
  });

  it('leaves camel-case and snake-case identifiers alone although their entropy is as high as a token’s', () => {
    const highEntropy = CODE_IDENTIFIERS.filter((value) => entropyBits(value) >= 4);
    assert.ok(highEntropy.length >= 10, 'the identifier list includes high-entropy cases');
    assert.deepEqual(highEntropy.filter(looksLikeRandomToken), []);
  });

  it('judges hex from 32 digits on, not 24-digit object ids or 16-digit span ids', () => {
    assert.equal(looksLikeRandomToken('4bf92f3577b34da6a3ce929d0e0e4736'), true);
    assert.equal(looksLikeRandomToken('4bf92f3577b34da6a3ce929d'), false);
    assert.equal(looksLikeRandomToken('00f067aa0ba902b7'), false);
  });

  it('does not treat low-entropy hex, long numbers or mixed-case hex as hex secrets', () => {
    assert.equal(looksLikeRandomToken('abababababababababababababababab'), false);
    assert.equal(looksLikeRandomToken('12345678901234567890123456789012'), false);
    assert.equal(looksLikeRandomToken('xxxxxxxxxxxxXXXXXXXXXXXXxxxxxxxx'), false);
  });

  it('accepts base64 padding only at the end, at most two characters', () => {
    assert.equal(looksLikeRandomToken('ySpmMBNaSuxM2jRzCrej8qbyM2ojbrqQzhjzVaGMeVA='), true);
    assert.equal(looksLikeRandomToken('ySpmMBNaSuxM2jRzCrej8qbyM2ojbrqQzhjzVaGMeVA==='), false);
    assert.equal(looksLikeRandomToken('ySpmMBNaSuxM2jRz=Crej8qbyM2ojbrqQzhjzVaGMeVA'), false);
  });

  it('ignores single-case values, where generated resource names live', () => {
    assert.equal(looksLikeRandomToken('qz1vxqs1w5l1w6ql9ijkz0c7sdqi5xj9'), false);
    assert.equal(looksLikeRandomToken('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ'), false);
  });
});

describe('entropyBits', () => {
  it('is 0 for one repeated symbol and log2(n) for n distinct symbols', () => {
    assert.equal(entropyBits(''), 0);
    assert.equal(entropyBits('aaaaaaaa'), 0);
    assert.equal(entropyBits('ab'), 1);
    assert.ok(Math.abs(entropyBits('0123456789abcdef') - 4) < 1e-12);
  });

  it('counts past 65,535 repeats of a symbol without wrapping', () => {
    assert.equal(entropyBits('a'.repeat(70_000)), 0);
    assert.ok(Math.abs(entropyBits(`${'a'.repeat(70_000)}${'b'.repeat(70_000)}`) - 1) < 1e-12);
  });

  it('weighs symbols by frequency', () => {
    // p = (1/2, 1/4, 1/4): H = 1/2·1 + 2·(1/4·2) = 1.5 bits.
    assert.ok(Math.abs(entropyBits('aabc') - 1.5) < 1e-12);
  });
});
