/** The deterministic quorum simulator (test support: it depends on @sluice/testkit). */
export { runSimulation, Simulation, SimulationFailure, type SimResult } from './simulation.js';
export { replayCommand, simOptions, simRaftConfig, TICK_MS, type SimOptions } from './options.js';
export { Checker, PropertyViolation } from './checker.js';
export { CheckQuorumWatch, type LeaderView } from './quorum-watch.js';
export { SimDriver, type SimEvent, type SimStats, type SimWorld } from './driver.js';
export { injectFault, MAX_DELAY_MS, type NemesisTarget } from './nemesis.js';
export { SimNetwork, HEALTHY_NETWORK, type NetworkFaults, type Delivery, type SimRandom } from './network.js';
export { SimStorage, StorageContractError } from './storage.js';
export { SimApp } from './app.js';
export { Scheduler } from './scheduler.js';
export { Trace } from './trace.js';
