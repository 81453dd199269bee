/**
 * Proves that the hand-written service descriptors match the proto files: it parses every
 * proto/*.proto with protobufjs's reflection (test-only; the runtime never parses protos) and
 * checks that ALL_SERVICES holds exactly the proto services, each with exactly the proto's methods,
 * each method unary and pointing at the generated classes of the proto's request and response types.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { ALL_SERVICES, sluice, type AnyUnaryMethod } from '../../src/index.js';

const protoDir = fileURLToPath(new URL('../../../../../proto/', import.meta.url));

function loadProtoServices(): protobuf.Service[] {
  const files = readdirSync(protoDir).filter((name) => name.endsWith('.proto')).map((name) => join(protoDir, name));
  const root = protobuf.loadSync(files);
  root.resolveAll();
  const services: protobuf.Service[] = [];
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Service) services.push(nested);
      if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) visit(nested);
    }
  };
  visit(root);
  return services;
}

/** The generated class for a fully qualified proto type name such as `.sluice.raft.VoteRequest`. */
function generatedClass(fullName: string): unknown {
  let value: unknown = { sluice };
  for (const segment of fullName.slice(1).split('.')) {
    value = (value as Record<string, unknown> | undefined)?.[segment];
  }
  return value;
}

describe('service descriptors', () => {
  const protoServices = loadProtoServices();

  it('exist for exactly the services in proto/*.proto', () => {
    assert.ok(protoServices.length > 0);
    assert.deepEqual(
      ALL_SERVICES.map((service) => service.name).sort(),
      protoServices.map((service) => service.fullName.slice(1)).sort(),
    );
  });

  for (const protoService of protoServices) {
    const name = protoService.fullName.slice(1);
    it(`${name} lists the proto's methods with the generated request and response classes`, () => {
      const descriptor = ALL_SERVICES.find((service) => service.name === name);
      assert.ok(descriptor, `no descriptor for ${name}: add one in src/services/`);
      assert.deepEqual(Object.keys(descriptor.methods).sort(), protoService.methodsArray.map((method) => method.name).sort());
      for (const method of protoService.methodsArray) {
        assert.equal(method.requestStream ?? false, false, `${name}/${method.name} streams its request; only unary is supported`);
        assert.equal(method.responseStream ?? false, false, `${name}/${method.name} streams its response; only unary is supported`);
        const entry: AnyUnaryMethod | undefined = descriptor.methods[method.name];
        assert.ok(entry);
        const requestType = method.resolvedRequestType?.fullName ?? '';
        const responseType = method.resolvedResponseType?.fullName ?? '';
        assert.equal(entry.requestType, generatedClass(requestType), `${name}/${method.name} request should be ${requestType}`);
        assert.equal(entry.responseType, generatedClass(responseType), `${name}/${method.name} response should be ${responseType}`);
      }
    });
  }
});
