import type { BrokerConfig } from '@sluice/broker';
import { clusterIdProblem, randomClusterId, readMetaProperties, writeMetaProperties, type MetaProperties } from './meta-properties.js';

/** A data directory problem the operator must fix; the message says how. */
export class StorageFormatError extends Error {
  override name = 'StorageFormatError';
}

/** The directories a node keeps data in: the log directory and, if different, the metadata log directory. */
function dataDirs(config: BrokerConfig): string[] {
  return [...new Set([config.logDir, config.metadataLogDir])];
}

/**
 * `sluice storage format`: writes meta.properties with the cluster id and node id into every data
 * directory. A directory formatted already is an error unless `ignoreFormatted` (then it is left as is,
 * provided the cluster id matches).
 */
export function formatStorage(config: BrokerConfig, clusterId: string, options: { ignoreFormatted: boolean }): string[] {
  const problem = clusterIdProblem(clusterId);
  if (problem) throw new StorageFormatError(problem);
  const formatted: string[] = [];
  for (const dir of dataDirs(config)) {
    const existing = readMetaProperties(dir);
    if (existing) {
      if (!options.ignoreFormatted) throw new StorageFormatError(`Log directory ${dir} is already formatted. Use --ignore-formatted to ignore this directory and format the others.`);
      if (existing.clusterId !== clusterId) throw new StorageFormatError(`Log directory ${dir} belongs to cluster ${existing.clusterId}, not ${clusterId}.`);
      continue;
    }
    writeMetaProperties(dir, { clusterId, nodeId: config.nodeId });
    formatted.push(dir);
  }
  return formatted;
}

/**
 * Checks at start that every data directory is formatted for this node and one cluster, and returns
 * the cluster id. With `autoFormat` (the no-argument quick start), unformatted directories are
 * formatted with a new cluster id first.
 */
export function ensureFormatted(config: BrokerConfig, options: { autoFormat: boolean }): MetaProperties {
  const dirs = dataDirs(config);
  let metas = dirs.map((dir) => ({ dir, meta: readMetaProperties(dir) }));
  if (options.autoFormat && metas.every((m) => m.meta === null)) {
    formatStorage(config, randomClusterId(), { ignoreFormatted: false });
    metas = dirs.map((dir) => ({ dir, meta: readMetaProperties(dir) }));
  }
  for (const { dir, meta } of metas) {
    if (!meta) {
      throw new StorageFormatError(`No meta.properties found in ${dir}: the directory is not formatted. Format it with:\n  sluice storage format --cluster-id $(sluice storage random-uuid) --config <your server.properties>`);
    }
    if (meta.nodeId !== config.nodeId) {
      throw new StorageFormatError(`${dir} was formatted for node.id ${meta.nodeId}, but this node has node.id ${config.nodeId}.`);
    }
  }
  const first = metas[0]!.meta!;
  const other = metas.find((m) => m.meta!.clusterId !== first.clusterId);
  if (other) throw new StorageFormatError(`${other.dir} belongs to cluster ${other.meta!.clusterId}, but ${metas[0]!.dir} to ${first.clusterId}.`);
  return first;
}
