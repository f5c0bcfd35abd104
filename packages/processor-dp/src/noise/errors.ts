import { CodedError } from '@otel-dp/otlp';

/**
 * A noise or calibration parameter outside its domain. Thrown at set-up,
 * when a mechanism is calibrated from configuration; the message names the
 * parameter and its value, e.g. `epsilon is -1, must be positive`.
 */
export class NoiseParameterError extends CodedError<'DP_NOISE_PARAMETER'> {
  constructor(message: string) {
    super('DP_NOISE_PARAMETER', message);
  }
}

/** Throws unless `value` is a finite number greater than zero. */
export function requirePositiveFinite(name: string, value: number): void {
  if (!(typeof value === 'number' && value > 0 && value !== Infinity)) {
    throw new NoiseParameterError(`${name} is ${String(value)}, must be positive and finite`);
  }
}

/** Throws unless `value` is a finite number of at least zero. */
export function requireNonNegativeFinite(name: string, value: number): void {
  if (!(typeof value === 'number' && value >= 0 && value !== Infinity)) {
    throw new NoiseParameterError(`${name} is ${String(value)}, must be non-negative and finite`);
  }
}

/** Throws unless `value` lies in the open interval (0, 1). */
export function requireOpenUnitInterval(name: string, value: number): void {
  if (!(typeof value === 'number' && value > 0 && value < 1)) {
    throw new NoiseParameterError(`${name} is ${String(value)}, must be in (0, 1)`);
  }
}

/** Throws unless `value` is a safe integer of at least `minimum`. */
export function requireInteger(name: string, value: number, minimum: number): void {
  if (!(Number.isSafeInteger(value) && value >= minimum)) {
    throw new NoiseParameterError(`${name} is ${String(value)}, must be an integer of at least ${minimum}`);
  }
}

/** Throws unless `minimum ≤ value ≤ maximum`; `what` names the bounds in the message. */
export function requireWithin(name: string, value: number, minimum: number, maximum: number, what: string): void {
  if (!(value >= minimum && value <= maximum)) {
    throw new NoiseParameterError(`${name} is ${String(value)}, must be within ${what}`);
  }
}
