export * from './temp-dir.js';
export * from './ports.js';
export * from './prng.js';
export * from './node-process.js';
export * from './wire-client.js';
export * from './local-cluster.js';
