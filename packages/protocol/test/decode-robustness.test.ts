/**
 * Proves that hostile request bytes can only end in ProtocolDecodeError: for every API, 20,000
 * frames made by mutating valid encodings (truncation, random bytes, extreme lengths, overlong
 * varints, random tails) go through decodeRequest, and any other exception (RangeError from a
 * Buffer read, TypeError, out-of-memory) fails the test. Responses get a smaller dose through
 * decodeResponse. Mutations come from a seeded PRNG, so a failure names a replayable seed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  ALL_APIS, decodeRequest, decodeResponse, encodeRequest, encodeResponse, ProtocolDecodeError, type ApiSpec,
} from '../src/index.js';
import { messageArbitrary } from './support/message-arbitrary.js';

const REQUEST_FRAMES_PER_API = 20_000;
const RESPONSE_FRAMES_PER_API = 2_000;
const VALID_FRAMES_PER_VERSION = 20;
const SEED = Number(process.env['FUZZ_SEED'] ?? 20240611);

/** Small seeded PRNG (mulberry32): deterministic mutations for replay. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

/** Byte patterns that are hostile as lengths or varints wherever they land. */
const HOSTILE = ['7fffffff', '80000000', 'ffffffff', 'fffffffe', '7fff', '8000', 'ffff', 'fffe', 'ffffffff0f', 'ffffffffffff', '00']
  .map((h) => Buffer.from(h, 'hex'));

function mutate(frame: Buffer, rand: (n: number) => number): Buffer {
  // Positions from 4 keep api key and version intact most of the time, so the body decoder is reached.
  const at = rand(8) === 0 ? rand(frame.length + 1) : 4 + rand(Math.max(1, frame.length - 3));
  const out = Buffer.from(frame);
  switch (rand(6)) {
    case 0: return out.subarray(0, at);
    case 1: out[Math.min(at, out.length - 1)] = rand(256); return out;
    case 2: { const h = HOSTILE[rand(HOSTILE.length)]!; return Buffer.concat([out.subarray(0, at), h, out.subarray(at + h.length)]); }
    case 3: { const h = HOSTILE[rand(HOSTILE.length)]!; return Buffer.concat([out.subarray(0, at), h, out.subarray(at)]); }
    case 4: return Buffer.concat([out.subarray(0, at), randomBytes(rand(64), rand)]);
    default: for (let i = 0; i < 4; i++) out[rand(out.length)] = rand(256); return out;
  }
}

function randomBytes(n: number, rand: (n: number) => number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = rand(256);
  return b;
}

function versionsOf(api: ApiSpec): number[] {
  return Array.from({ length: api.maxVersion - api.minVersion + 1 }, (_, i) => api.minVersion + i);
}

function validRequestFrames(api: ApiSpec): Buffer[] {
  return versionsOf(api).flatMap((version) => fc.sample(messageArbitrary(api.request, version), { numRuns: VALID_FRAMES_PER_VERSION, seed: SEED + version })
    .map((body) => Buffer.concat(encodeRequest(api, { apiVersion: version, correlationId: 1, clientId: 'fuzz' }, body)).subarray(4)));
}

function validResponseFrames(api: ApiSpec): { version: number; frame: Buffer }[] {
  return versionsOf(api).flatMap((version) => fc.sample(messageArbitrary(api.response, version), { numRuns: VALID_FRAMES_PER_VERSION, seed: SEED + version })
    .map((body) => ({ version, frame: Buffer.concat(encodeResponse(api, version, 1, body)).subarray(4) })));
}

/** Runs `decode`, returning whether it succeeded; any error other than ProtocolDecodeError fails with a replayable report. */
function decodesOrRejects(decode: () => unknown, frame: Buffer, label: string): boolean {
  try {
    decode();
    return true;
  } catch (err) {
    if (err instanceof ProtocolDecodeError) return false;
    assert.fail(`${label} (FUZZ_SEED=${SEED}) threw ${String(err)} for frame ${frame.toString('hex')}`);
  }
}

describe('mutated frames only ever throw ProtocolDecodeError', () => {
  for (const api of ALL_APIS) {
    test(`${api.name}: ${REQUEST_FRAMES_PER_API} mutated requests`, () => {
      const rand = prng(SEED ^ api.apiKey);
      const valid = validRequestFrames(api);
      let decoded = 0;
      for (let i = 0; i < REQUEST_FRAMES_PER_API; i++) {
        const frame = mutate(valid[rand(valid.length)]!, rand);
        if (decodesOrRejects(() => decodeRequest(api, frame), frame, `${api.name} request #${i}`)) decoded++;
      }
      assert.ok(decoded > 0 && decoded < REQUEST_FRAMES_PER_API, `a useful mix of outcomes (${decoded} decoded)`);
    });

    test(`${api.name}: ${RESPONSE_FRAMES_PER_API} mutated responses`, () => {
      const rand = prng(SEED ^ (api.apiKey << 8));
      const valid = validResponseFrames(api);
      for (let i = 0; i < RESPONSE_FRAMES_PER_API; i++) {
        const { version, frame: base } = valid[rand(valid.length)]!;
        const frame = mutate(base, rand);
        decodesOrRejects(() => decodeResponse(api, version, frame), frame, `${api.name} v${version} response #${i}`);
      }
    });
  }
});

test('pure random frames are rejected with ProtocolDecodeError', () => {
  const rand = prng(SEED);
  for (let i = 0; i < 5000; i++) {
    const frame = randomBytes(rand(40), rand);
    const api = ALL_APIS[rand(ALL_APIS.length)]!;
    decodesOrRejects(() => decodeRequest(api, frame), frame, `${api.name} random #${i}`);
  }
});
