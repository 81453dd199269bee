import { ConfigError } from './properties.js';

/** One voter of the metadata quorum, from `controller.quorum.voters` (KRaft's `id@host:port`). */
export interface QuorumVoter {
  id: number;
  host: string;
  port: number;
}

/** Parses `1@host:port,2@host:port,...`; ids must be distinct. */
export function parseQuorumVoters(text: string): QuorumVoter[] {
  const entries = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (entries.length === 0) throw new ConfigError('controller.quorum.voters: empty; expected id@host:port,... e.g. 1@127.0.0.1:9093');
  const voters = entries.map((entry) => {
    const match = /^(\d+)@(\[[^\]]*\]|[^:@]+):(\d+)$/.exec(entry);
    const port = Number(match?.[3]);
    if (!match || port > 65535) {
      throw new ConfigError(`controller.quorum.voters: '${entry}' is not id@host:port (e.g. 1@127.0.0.1:9093)`);
    }
    return { id: Number(match[1]), host: match[2]!.replace(/^\[|\]$/g, ''), port };
  });
  const ids = new Set(voters.map((v) => v.id));
  if (ids.size !== voters.length) throw new ConfigError(`controller.quorum.voters: '${text}' names a voter id twice`);
  return voters;
}
