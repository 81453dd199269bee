import type { AnyService } from '../service.js';
import { CONTROLLER_SERVICE } from './controller-service.js';
import { RAFT_SERVICE } from './raft-service.js';
import { REPLICATION_SERVICE } from './replication-service.js';

/**
 * Every service descriptor, one per `service` in proto/*.proto. A test checks this list against
 * the proto files, so a new proto service fails the build until its descriptor is added here.
 */
export const ALL_SERVICES: readonly AnyService[] = [RAFT_SERVICE, CONTROLLER_SERVICE, REPLICATION_SERVICE];
