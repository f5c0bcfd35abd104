export * from './types.js';
export * from './pipeline.js';
