import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What `meta.properties` records about a formatted data directory (Kafka's KRaft format, version 1). */
export interface MetaProperties {
  clusterId: string;
  nodeId: number;
  directoryId: string;
}

export const META_PROPERTIES_FILE = 'meta.properties';

/** A new cluster id: 16 random bytes as Kafka's 22-character base64url text (`kafka-storage.sh random-uuid`). */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    // Kafka never hands out ids starting with '-' (they read as flags) or the zero/one reserved ids.
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA' && id !== 'AAAAAAAAAAAAAAAAAAAAAQ') return id;
  }
}

/** Null when `id` is a valid cluster id, else why not. */
export function clusterIdProblem(id: string): string | null {
  if (!/^[A-Za-z0-9_-]{22}$/.test(id) || Buffer.from(id, 'base64url').length !== 16) {
    return `'${id}' is not a cluster id: expected 22 base64url characters, as printed by 'sluice storage random-uuid'`;
  }
  return null;
}

/** Reads `meta.properties` from `dir`, or null when the directory is not formatted. */
export function readMetaProperties(dir: string): MetaProperties | null {
  const path = join(dir, META_PROPERTIES_FILE);
  if (!existsSync(path)) return null;
  const values = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const match = /^\s*([^#=\s][^=]*)=(.*)$/.exec(line);
    if (match) values.set(match[1]!.trim(), match[2]!.trim());
  }
  const clusterId = values.get('cluster.id');
  const nodeId = Number(values.get('node.id'));
  if (values.get('version') !== '1' || clusterId === undefined || !Number.isInteger(nodeId)) {
    throw new Error(`${path} is not a version 1 meta.properties with cluster.id and node.id`);
  }
  return { clusterId, nodeId, directoryId: values.get('directory.id') ?? '' };
}

/** Writes `meta.properties` atomically (temp file, fsync, rename) into `dir`, creating it. */
export function writeMetaProperties(dir: string, meta: Omit<MetaProperties, 'directoryId'>): MetaProperties {
  mkdirSync(dir, { recursive: true });
  const full = { ...meta, directoryId: randomBytes(16).toString('base64url') };
  const text = [
    '#',
    `#${new Date().toUTCString()}`,
    `node.id=${full.nodeId}`,
    `directory.id=${full.directoryId}`,
    'version=1',
    `cluster.id=${full.clusterId}`,
    '',
  ].join('\n');
  const path = join(dir, META_PROPERTIES_FILE);
  writeFileSync(`${path}.tmp`, text);
  const fd = openSync(`${path}.tmp`, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${path}.tmp`, path);
  return full;
}
