import { GAUSSIAN } from './gaussian-mechanism.js';
import { LAPLACE } from './laplace-mechanism.js';
import type { NoiseMechanism } from './noise-mechanism.js';

/** Every mechanism the configuration can name, by that name. */
const NOISE_MECHANISMS = {
  laplace: LAPLACE,
  gaussian: GAUSSIAN,
} as const satisfies Record<string, NoiseMechanism>;

export type NoiseMechanismName = keyof typeof NOISE_MECHANISMS;

/** The configurable names, in registration order. */
export const NOISE_MECHANISM_NAMES: readonly NoiseMechanismName[] = Object.freeze(Object.keys(NOISE_MECHANISMS) as NoiseMechanismName[]);

export function isNoiseMechanismName(name: unknown): name is NoiseMechanismName {
  return typeof name === 'string' && Object.hasOwn(NOISE_MECHANISMS, name);
}

/** The mechanism of that name; the name must have been validated. */
export function noiseMechanism(name: NoiseMechanismName): NoiseMechanism {
  return NOISE_MECHANISMS[name];
}
