import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A topic as the broker knows it. The id tells a re-created topic apart from a deleted one of the same name. */
export interface TopicInfo {
  name: string;
  topicId: string;
  partitionCount: number;
  /** Topic-level config overrides (only keys set explicitly). */
  configs: ReadonlyMap<string, string>;
}

interface MetadataFile {
  version: 1;
  clusterId: string;
  topics: { name: string; topicId: string; partitionCount: number; configs: Record<string, string> }[];
}

const FILE_NAME = 'sluice-metadata.json';

/** A fresh random 16-byte id in Kafka's base64url text form (topic ids, cluster ids). */
export function randomUuid(): string {
  let id: string;
  // Kafka never hands out the zero uuid or one starting with '-' (it would read as a flag on a command line).
  do id = randomBytes(16).toString('base64url'); while (id.startsWith('-') || id === 'AAAAAAAAAAAAAAAAAAAAAA');
  return id;
}

/**
 * The single node's cluster metadata: cluster id and topics, kept in one JSON file in the data
 * directory and replaced atomically (write, fsync, rename, fsync the directory) on every change.
 * Invariant: the file on disk is always a complete earlier or later version, never a mix.
 */
export class LocalMetadata {
  private readonly topicsByName = new Map<string, TopicInfo>();
  private constructor(private readonly dir: string, readonly clusterId: string) {}

  /** Opens the metadata in `dir` for the cluster named in the directory's meta.properties. */
  static open(dir: string, clusterId: string): LocalMetadata {
    mkdirSync(dir, { recursive: true });
    let file: MetadataFile | null = null;
    try {
      file = JSON.parse(readFileSync(join(dir, FILE_NAME), 'utf8')) as MetadataFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${join(dir, FILE_NAME)}`, { cause: err });
    }
    if (file && file.clusterId !== clusterId) {
      throw new Error(`${join(dir, FILE_NAME)} belongs to cluster ${file.clusterId}, not ${clusterId}`);
    }
    const metadata = new LocalMetadata(dir, clusterId);
    for (const t of file?.topics ?? []) {
      metadata.topicsByName.set(t.name, { ...t, configs: new Map(Object.entries(t.configs)) });
    }
    if (!file) metadata.persist();
    return metadata;
  }

  topics(): TopicInfo[] {
    return [...this.topicsByName.values()];
  }

  topic(name: string): TopicInfo | undefined {
    return this.topicsByName.get(name);
  }

  topicById(topicId: string): TopicInfo | undefined {
    return this.topics().find((t) => t.topicId === topicId);
  }

  /** Records a new topic and makes it durable before returning. */
  addTopic(topic: Omit<TopicInfo, 'topicId'>): TopicInfo {
    const info = { ...topic, topicId: randomUuid() };
    this.topicsByName.set(info.name, info);
    this.persist();
    return info;
  }

  setPartitionCount(name: string, partitionCount: number): void {
    const topic = this.topicsByName.get(name);
    if (!topic) throw new Error(`unknown topic ${name}`);
    this.topicsByName.set(name, { ...topic, partitionCount });
    this.persist();
  }

  removeTopic(name: string): void {
    this.topicsByName.delete(name);
    this.persist();
  }

  private persist(): void {
    const file: MetadataFile = {
      version: 1,
      clusterId: this.clusterId,
      topics: this.topics().map((t) => ({ ...t, configs: Object.fromEntries(t.configs) })),
    };
    const target = join(this.dir, FILE_NAME);
    const temp = `${target}.tmp`;
    writeFileSync(temp, JSON.stringify(file, null, 2));
    fsyncPath(temp);
    renameSync(temp, target);
    fsyncPath(this.dir);
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
