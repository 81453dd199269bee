import { DescribeCluster, ErrorCode, type DescribeClusterRequest, type DescribeClusterResponse } from '@sluice/protocol';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';

/** DescribeCluster (used by the Java admin tools): the live brokers and a live broker as controller id. Returns NONE. */
export function describeClusterHandler(services: BrokerServices): ApiHandler {
  return defineHandler<DescribeClusterRequest, DescribeClusterResponse>(DescribeCluster, () => ({
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    endpointType: 1,
    clusterId: services.metadata.clusterId,
    controllerId: services.metadata.controllerId(),
    brokers: services.metadata.brokers().map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
    clusterAuthorizedOperations: -2147483648,
  }));
}
