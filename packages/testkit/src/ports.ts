import { readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';

/**
 * The ports handed to nodes: outside the kernel's ephemeral range. A port the OS picked with
 * listen(0) is an ephemeral one, and an outgoing connection made between the check and the node's
 * own bind (any client, any test) could take it from under the node. Below the range when there is
 * room (Linux's default range is 32768-60999), else above it.
 */
function nodePortRange(): [number, number] {
  let [first, last] = [32_768, 60_999];
  try {
    const [a, b] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(a) && Number.isInteger(b)) [first, last] = [a!, b!];
  } catch {
    // Not Linux: keep the default range.
  }
  if (first - 10_000 >= 2_000) return [10_000, first];
  if (65_536 - (last + 1) >= 2_000) return [last + 1, 65_536];
  throw new Error(`the ephemeral port range ${first}-${last} leaves no room for test ports outside it`);
}

const [RANGE_START, RANGE_END] = nodePortRange();
/**
 * Ports this process handed out already: a node stopped for a restart keeps its claim on them.
 * (Test files run one at a time, --test-concurrency=1; files run in parallel could still draw the
 * same free port.)
 */
const handedOut = new Set<number>();

/**
 * A TCP port on 127.0.0.1 that is free now, outside the ephemeral range, and not handed out
 * before by this process.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = RANGE_START + Math.floor(Math.random() * (RANGE_END - RANGE_START));
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found in ${RANGE_START}-${RANGE_END - 1}`);
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Resolves once 127.0.0.1:port accepts a connection, polling until `timeoutMs` runs out. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await canConnect(port)) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => { socket.destroy(); resolve(false); });
    socket.connect(port, '127.0.0.1');
  });
}
