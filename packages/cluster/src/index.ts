export * from './meta-properties.js';
export * from './storage-format.js';
export { SluiceNode } from './node.js';
