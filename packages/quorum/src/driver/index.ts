export { QuorumDriver, NotLeaderError, type QuorumApplication, type QuorumDriverOptions, type QuorumPersistence, type QuorumTransport, type RaftResponse } from './quorum-driver.js';
export { GrpcQuorumTransport, raftServiceHandlers, type VoterAddress } from './grpc-transport.js';
