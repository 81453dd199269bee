import { after } from 'node:test';
import { NodeProcess, tempDir } from '@sluice/testkit';

/**
 * Starts one real node for a test file in a fresh data directory, and registers its cleanup:
 * the process is killed and the directory removed when the file's tests end.
 */
export async function startSingleNode(overrides: string[] = []): Promise<{ node: NodeProcess; dataDir: string; restart(): Promise<NodeProcess> }> {
  const dir = tempDir('sluice-it-');
  let node = await NodeProcess.start({ dataDir: dir.path, overrides });
  after(async () => {
    await node.kill();
    dir.remove();
  });
  return {
    get node() { return node; },
    dataDir: dir.path,
    async restart() {
      node = await node.restart();
      return node;
    },
  };
}
