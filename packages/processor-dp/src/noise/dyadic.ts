/**
 * Floats as the exact rationals they are. A finite double is m·2^e with m an
 * integer below 2^53, so every question about it has an exact answer in
 * BigInt arithmetic; the samplers and the conservative rounding of the
 * calibration rest on these.
 */

const bits = new DataView(new ArrayBuffer(8));

/** x = mantissa · 2^exponent exactly, with mantissa odd (or both 0 for x = 0). */
export interface Dyadic {
  mantissa: bigint;
  exponent: number;
}

/** The exact value of a finite double. */
export function toDyadic(x: number): Dyadic {
  if (!Number.isFinite(x)) throw new RangeError(`${x} is not finite`);
  if (x === 0) return { mantissa: 0n, exponent: 0 };
  bits.setFloat64(0, x);
  const high = bits.getUint32(0);
  const low = bits.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  while ((mantissa & 1n) === 0n) {
    mantissa >>= 1n;
    exponent += 1;
  }
  return { mantissa: x < 0 ? -mantissa : mantissa, exponent };
}

/**
 * A positive double as numerator / 2^shift with shift ≥ 0 the smallest that
 * makes the numerator an integer (shift = 0 for integers).
 */
export function toBinaryFraction(x: number): { numerator: bigint; shift: number } {
  const { mantissa, exponent } = toDyadic(x);
  return exponent >= 0 ? { numerator: mantissa << BigInt(exponent), shift: 0 } : { numerator: mantissa, shift: -exponent };
}

/** The exact product of finite doubles. */
export function exactProduct(...factors: number[]): Dyadic {
  let mantissa = 1n;
  let exponent = 0;
  for (const factor of factors) {
    const d = toDyadic(factor);
    mantissa *= d.mantissa;
    exponent += d.exponent;
  }
  return { mantissa, exponent };
}

/** Sign of a − b, computed exactly. */
export function compareDyadic(a: Dyadic, b: Dyadic): -1 | 0 | 1 {
  const shift = Math.min(a.exponent, b.exponent);
  const left = a.mantissa << BigInt(a.exponent - shift);
  const right = b.mantissa << BigInt(b.exponent - shift);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The smallest double greater than x, for finite x ≥ 0. */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  bits.setFloat64(0, x);
  bits.setBigUint64(0, bits.getBigUint64(0) + 1n);
  return bits.getFloat64(0);
}

/** The largest double smaller than x, for finite x > 0. */
export function nextDown(x: number): number {
  bits.setFloat64(0, x);
  bits.setBigUint64(0, bits.getBigUint64(0) - 1n);
  return bits.getFloat64(0);
}
