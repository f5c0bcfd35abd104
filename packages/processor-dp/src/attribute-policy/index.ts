export {
  AttributePolicy,
  validateAttributePolicyConfig,
  type AttributePolicyConfig,
  type DropReason,
} from './attribute-policy.js';
export { looksLikeCredential } from './looks-like-credential.js';
