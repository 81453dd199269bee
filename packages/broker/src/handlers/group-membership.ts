import {
  ErrorCode, Heartbeat, JoinGroup, LeaveGroup, SyncGroup,
  type HeartbeatRequest, type HeartbeatResponse, type JoinGroupRequest, type JoinGroupResponse,
  type LeaveGroupRequest, type LeaveGroupResponse, type SyncGroupRequest, type SyncGroupResponse,
} from '@sluice/protocol';
import { defineHandler, type ApiHandler, type RequestContext } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';

/**
 * The classic group membership APIs (JoinGroup, SyncGroup, Heartbeat, LeaveGroup): translate the
 * wire bodies of every version into the coordinator's requests and back. The coordinator decides;
 * an empty group id is INVALID_GROUP_ID, as in Kafka.
 */
export function joinGroupHandler(services: BrokerServices): ApiHandler {
  return defineHandler<JoinGroupRequest, JoinGroupResponse>(JoinGroup, async (request, ctx) => {
    if (request.groupId === '') {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID, generationId: -1, protocolType: null, protocolName: '', leader: '', skipAssignment: false, memberId: request.memberId, members: [] };
    }
    const result = await services.groups.join({
      groupId: request.groupId,
      apiVersion: ctx.apiVersion,
      sessionTimeoutMs: request.sessionTimeoutMs,
      // v0 has no rebalance timeout: Kafka uses the session timeout.
      rebalanceTimeoutMs: ctx.apiVersion === 0 || request.rebalanceTimeoutMs < 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      protocols: request.protocols,
      clientId: ctx.header.clientId ?? '',
      clientHost: clientHostOf(ctx),
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolType: result.protocolType,
      // Before v7 the protocol name is not nullable on the wire.
      protocolName: result.protocolName ?? (ctx.apiVersion >= 7 ? null : ''),
      leader: result.leader,
      skipAssignment: false,
      memberId: result.memberId,
      members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: Buffer.from(m.metadata) })),
    };
  });
}

export function syncGroupHandler(services: BrokerServices): ApiHandler {
  return defineHandler<SyncGroupRequest, SyncGroupResponse>(SyncGroup, async (request) => {
    if (request.groupId === '') return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    const result = await services.groups.sync({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      protocolName: request.protocolName,
      assignments: request.assignments,
    });
    return { throttleTimeMs: 0, errorCode: result.errorCode, protocolType: result.protocolType, protocolName: result.protocolName, assignment: Buffer.from(result.assignment) };
  });
}

export function heartbeatHandler(services: BrokerServices): ApiHandler {
  return defineHandler<HeartbeatRequest, HeartbeatResponse>(Heartbeat, async (request) => {
    if (request.groupId === '') return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID };
    const result = await services.groups.heartbeat(request);
    return { throttleTimeMs: 0, errorCode: result.errorCode };
  });
}

/** LeaveGroup: v0-2 name one member at the top level, v3+ a batch (KIP-345). */
export function leaveGroupHandler(services: BrokerServices): ApiHandler {
  return defineHandler<LeaveGroupRequest, LeaveGroupResponse>(LeaveGroup, async (request, ctx) => {
    const batched = ctx.apiVersion >= 3;
    const members = batched
      ? request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
      : [{ memberId: request.memberId, groupInstanceId: null }];
    if (request.groupId === '') return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const result = await services.groups.leave({ groupId: request.groupId, members });
    // Before v3 the only member's outcome is the response's code.
    const errorCode = batched ? result.errorCode : result.errorCode || (result.members[0]?.errorCode ?? 0);
    return { throttleTimeMs: 0, errorCode, members: batched ? result.members.map((m) => ({ ...m })) : [] };
  });
}

/** The client address as Kafka prints it in group descriptions ("/127.0.0.1"). */
function clientHostOf(ctx: RequestContext): string {
  const host = ctx.clientHost.startsWith('::ffff:') ? ctx.clientHost.slice('::ffff:'.length) : ctx.clientHost;
  return host === '' ? '' : `/${host}`;
}
