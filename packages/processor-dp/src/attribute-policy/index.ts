export {
  AttributePolicy,
  validateAttributePolicyConfig,
  type AttributePolicyConfig,
  type DropReason,
} from './attribute-policy.js';
export { looksLikeCredential } from './looks-like-credential.js';
export { MIN_HEX_SECRET_LENGTH, MIN_RANDOM_TOKEN_LENGTH } from './random-token.js';
