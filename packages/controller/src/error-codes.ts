import { ErrorCode as ProtocolErrorCode } from '@sluice/protocol';

/**
 * Kafka error codes the controller planners return: the protocol table plus the KRaft codes that
 * table does not list yet (Kafka's Errors.java numbers). When `@sluice/protocol` gains them,
 * the extra entries here become redundant and can go.
 */
export const ErrorCode = {
  ...ProtocolErrorCode,
  /** The broker epoch in the request is not the broker's current registration epoch. */
  STALE_BROKER_EPOCH: 77,
  /** The partition epoch in an AlterPartition request is not the current one (KIP-704). */
  INVALID_UPDATE_VERSION: 95,
  /** The broker id in an UnregisterBroker request has no registration. */
  BROKER_ID_NOT_REGISTERED: 102,
  /** A proposed ISR member is fenced, unregistered or shutting down (KIP-903). */
  INELIGIBLE_REPLICA: 107,
} as const;
