/**
 * Proves at compile time that every hand-written request/response interface matches its table:
 * the same property paths at every depth, decoded values fit the interface, and interface values
 * can be encoded (see `Conforms` in src/shape.ts). If this file compiles, the check passed; the
 * runtime test only records that it ran.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as P from '../../src/index.js';
import type { Conforms, FieldsOf } from '../../src/index.js';

/** 'ok' only for exactly `true`; `false`, `boolean` and `never` all give 'no'. */
type IsTrue<T> = [T] extends [true] ? ([true] extends [T] ? 'ok' : 'no') : 'no';

/** Returns 'ok' at run time; its static type is 'no' when the conformance check failed. */
function check<T>(): IsTrue<T> {
  return 'ok' as IsTrue<T>;
}

const checks: 'ok'[] = [
  check<Conforms<P.AlterConfigsRequest, FieldsOf<typeof P.AlterConfigs.request>>>(),
  check<Conforms<P.AlterConfigsResponse, FieldsOf<typeof P.AlterConfigs.response>>>(),
  check<Conforms<P.ApiVersionsRequest, FieldsOf<typeof P.ApiVersions.request>>>(),
  check<Conforms<P.ApiVersionsResponse, FieldsOf<typeof P.ApiVersions.response>>>(),
  check<Conforms<P.CreatePartitionsRequest, FieldsOf<typeof P.CreatePartitions.request>>>(),
  check<Conforms<P.CreatePartitionsResponse, FieldsOf<typeof P.CreatePartitions.response>>>(),
  check<Conforms<P.CreateTopicsRequest, FieldsOf<typeof P.CreateTopics.request>>>(),
  check<Conforms<P.CreateTopicsResponse, FieldsOf<typeof P.CreateTopics.response>>>(),
  check<Conforms<P.DeleteGroupsRequest, FieldsOf<typeof P.DeleteGroups.request>>>(),
  check<Conforms<P.DeleteGroupsResponse, FieldsOf<typeof P.DeleteGroups.response>>>(),
  check<Conforms<P.DeleteTopicsRequest, FieldsOf<typeof P.DeleteTopics.request>>>(),
  check<Conforms<P.DeleteTopicsResponse, FieldsOf<typeof P.DeleteTopics.response>>>(),
  check<Conforms<P.DescribeClusterRequest, FieldsOf<typeof P.DescribeCluster.request>>>(),
  check<Conforms<P.DescribeClusterResponse, FieldsOf<typeof P.DescribeCluster.response>>>(),
  check<Conforms<P.DescribeConfigsRequest, FieldsOf<typeof P.DescribeConfigs.request>>>(),
  check<Conforms<P.DescribeConfigsResponse, FieldsOf<typeof P.DescribeConfigs.response>>>(),
  check<Conforms<P.DescribeGroupsRequest, FieldsOf<typeof P.DescribeGroups.request>>>(),
  check<Conforms<P.DescribeGroupsResponse, FieldsOf<typeof P.DescribeGroups.response>>>(),
  check<Conforms<P.DescribeQuorumRequest, FieldsOf<typeof P.DescribeQuorum.request>>>(),
  check<Conforms<P.DescribeQuorumResponse, FieldsOf<typeof P.DescribeQuorum.response>>>(),
  check<Conforms<P.FetchRequest, FieldsOf<typeof P.Fetch.request>>>(),
  check<Conforms<P.FetchResponse, FieldsOf<typeof P.Fetch.response>>>(),
  check<Conforms<P.FindCoordinatorRequest, FieldsOf<typeof P.FindCoordinator.request>>>(),
  check<Conforms<P.FindCoordinatorResponse, FieldsOf<typeof P.FindCoordinator.response>>>(),
  check<Conforms<P.HeartbeatRequest, FieldsOf<typeof P.Heartbeat.request>>>(),
  check<Conforms<P.HeartbeatResponse, FieldsOf<typeof P.Heartbeat.response>>>(),
  check<Conforms<P.IncrementalAlterConfigsRequest, FieldsOf<typeof P.IncrementalAlterConfigs.request>>>(),
  check<Conforms<P.IncrementalAlterConfigsResponse, FieldsOf<typeof P.IncrementalAlterConfigs.response>>>(),
  check<Conforms<P.InitProducerIdRequest, FieldsOf<typeof P.InitProducerId.request>>>(),
  check<Conforms<P.InitProducerIdResponse, FieldsOf<typeof P.InitProducerId.response>>>(),
  check<Conforms<P.JoinGroupRequest, FieldsOf<typeof P.JoinGroup.request>>>(),
  check<Conforms<P.JoinGroupResponse, FieldsOf<typeof P.JoinGroup.response>>>(),
  check<Conforms<P.LeaveGroupRequest, FieldsOf<typeof P.LeaveGroup.request>>>(),
  check<Conforms<P.LeaveGroupResponse, FieldsOf<typeof P.LeaveGroup.response>>>(),
  check<Conforms<P.ListGroupsRequest, FieldsOf<typeof P.ListGroups.request>>>(),
  check<Conforms<P.ListGroupsResponse, FieldsOf<typeof P.ListGroups.response>>>(),
  check<Conforms<P.ListOffsetsRequest, FieldsOf<typeof P.ListOffsets.request>>>(),
  check<Conforms<P.ListOffsetsResponse, FieldsOf<typeof P.ListOffsets.response>>>(),
  check<Conforms<P.MetadataRequest, FieldsOf<typeof P.Metadata.request>>>(),
  check<Conforms<P.MetadataResponse, FieldsOf<typeof P.Metadata.response>>>(),
  check<Conforms<P.OffsetCommitRequest, FieldsOf<typeof P.OffsetCommit.request>>>(),
  check<Conforms<P.OffsetCommitResponse, FieldsOf<typeof P.OffsetCommit.response>>>(),
  check<Conforms<P.OffsetDeleteRequest, FieldsOf<typeof P.OffsetDelete.request>>>(),
  check<Conforms<P.OffsetDeleteResponse, FieldsOf<typeof P.OffsetDelete.response>>>(),
  check<Conforms<P.OffsetFetchRequest, FieldsOf<typeof P.OffsetFetch.request>>>(),
  check<Conforms<P.OffsetFetchResponse, FieldsOf<typeof P.OffsetFetch.response>>>(),
  check<Conforms<P.ProduceRequest, FieldsOf<typeof P.Produce.request>>>(),
  check<Conforms<P.ProduceResponse, FieldsOf<typeof P.Produce.response>>>(),
  check<Conforms<P.SyncGroupRequest, FieldsOf<typeof P.SyncGroup.request>>>(),
  check<Conforms<P.SyncGroupResponse, FieldsOf<typeof P.SyncGroup.response>>>(),
];

test('every API interface conforms to its table', () => {
  assert.equal(checks.length, 50);
});
