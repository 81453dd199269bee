import { DescribeCluster, ErrorCode, type DescribeClusterRequest, type DescribeClusterResponse } from '@sluice/protocol';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';

/** DescribeCluster (used by the Java admin tools): this node as broker and controller. Returns NONE. */
export function describeClusterHandler(services: BrokerServices): ApiHandler {
  return defineHandler<DescribeClusterRequest, DescribeClusterResponse>(DescribeCluster, () => ({
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    endpointType: 1,
    clusterId: services.metadata.clusterId,
    controllerId: services.config.nodeId,
    brokers: [{ brokerId: services.config.nodeId, host: services.advertised.host, port: services.advertised.port, rack: null }],
    clusterAuthorizedOperations: -2147483648,
  }));
}
