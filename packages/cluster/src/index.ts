export * from './meta-properties.js';
export * from './storage-format.js';
