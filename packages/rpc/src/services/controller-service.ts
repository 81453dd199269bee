import { sluice } from '#generated/protos.js';
import { defineService, unary } from '../service.js';

const controller = sluice.controller;

/**
 * `sluice.controller.ControllerService` (proto/controller.proto): brokers to the active controller:
 * registration, heartbeats, AlterPartition and forwarded topic administration.
 */
export const CONTROLLER_SERVICE = defineService('sluice.controller.ControllerService', {
  RegisterBroker: unary(controller.RegisterBrokerRequest, controller.RegisterBrokerResponse),
  BrokerHeartbeat: unary(controller.BrokerHeartbeatRequest, controller.BrokerHeartbeatResponse),
  AlterPartition: unary(controller.AlterPartitionRequest, controller.AlterPartitionResponse),
  CreateTopics: unary(controller.CreateTopicsRequest, controller.CreateTopicsResponse),
  DeleteTopics: unary(controller.DeleteTopicsRequest, controller.DeleteTopicsResponse),
  CreatePartitions: unary(controller.CreatePartitionsRequest, controller.CreatePartitionsResponse),
  AlterConfigs: unary(controller.AlterConfigsRequest, controller.AlterConfigsResponse),
});

/** The type of CONTROLLER_SERVICE. */
export type ControllerService = typeof CONTROLLER_SERVICE;
