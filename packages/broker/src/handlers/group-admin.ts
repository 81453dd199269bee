import {
  DeleteGroups, DescribeGroups, ErrorCode, ListGroups,
  type DeleteGroupsRequest, type DeleteGroupsResponse, type DescribeGroupsRequest, type DescribeGroupsResponse,
  type ListGroupsRequest, type ListGroupsResponse,
} from '@sluice/protocol';
import type { GroupState } from '../groups/core/index.js';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';

/** Kafka sends this when authorized operations were not asked for. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
const GROUP_STATES: readonly GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];

/** DescribeGroups: state, protocol and members (with metadata and assignment when Stable); an unknown group is Dead. */
export function describeGroupsHandler(services: BrokerServices): ApiHandler {
  return defineHandler<DescribeGroupsRequest, DescribeGroupsResponse>(DescribeGroups, (request) => ({
    throttleTimeMs: 0,
    groups: services.groups.describe(request.groups).map(({ errorCode, group }) => ({
      errorCode,
      groupId: group.groupId,
      groupState: group.state,
      protocolType: group.protocolType,
      protocolData: group.protocolName,
      members: group.members.map((m) => ({
        memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
        memberMetadata: Buffer.from(m.metadata), memberAssignment: Buffer.from(m.assignment),
      })),
      authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    })),
  }));
}

/** ListGroups: the groups this broker coordinates (clients ask every broker), filtered by state from v4. */
export function listGroupsHandler(services: BrokerServices): ApiHandler {
  return defineHandler<ListGroupsRequest, ListGroupsResponse>(ListGroups, (request, ctx) => {
    const filter = ctx.apiVersion >= 4 ? request.statesFilter : [];
    const states = filter.map((s) => GROUP_STATES.find((known) => known.toLowerCase() === s.toLowerCase())).filter((s): s is GroupState => s !== undefined);
    // A filter naming only unknown states matches nothing (not everything).
    if (filter.length > 0 && states.length === 0) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: [] };
    const groups = services.groups.list(states.length > 0 ? states : null);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state })) };
  });
}

/** DeleteGroups: per group NONE, NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND or a coordinator error. */
export function deleteGroupsHandler(services: BrokerServices): ApiHandler {
  return defineHandler<DeleteGroupsRequest, DeleteGroupsResponse>(DeleteGroups, async (request) => ({
    throttleTimeMs: 0,
    results: await services.groups.deleteGroups(request.groupsNames),
  }));
}
