export { Broker } from './broker.js';
export { loadBrokerConfig, BROKER_KEYS, type BrokerConfig, type LoadOptions } from './config/broker-config.js';
export { ConfigError } from './config/properties.js';
export { createLogger, type Logger } from './logger.js';
