import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/**
 * Service descriptors: the table that turns a proto service into typed gRPC calls.
 *
 * A descriptor names the proto service (`package.Service`) and lists each method with the
 * generated classes of its request and response. RpcServer and RpcClient derive everything else
 * from it: the method path (`/package.Service/Method`), the (de)serializers and the TypeScript
 * types of requests, responses and handlers. Adding a service is one file in src/services/.
 * Only unary methods exist; test/services/all-services.test.ts checks every descriptor against the
 * proto files and that no proto method streams.
 */

/**
 * The static side of a generated message class, as far as the rpc layer uses it. `Props` is what
 * a caller encodes (the `$Properties` interface: every field optional); `Decoded` is what decode
 * returns (the class instance, every field present with its proto3 default).
 */
export interface MessageCodec<Props, Decoded> {
  encode(message: Props): { finish(): Uint8Array };
  decode(bytes: Uint8Array): Decoded;
}

/** One unary method: its request and response message classes. */
export interface UnaryMethod<RequestProps, RequestMessage, ResponseProps, ResponseMessage> {
  readonly requestType: MessageCodec<RequestProps, RequestMessage>;
  readonly responseType: MessageCodec<ResponseProps, ResponseMessage>;
}

/** Any unary method; the constraint for a descriptor's method table. */
export type AnyUnaryMethod = UnaryMethod<never, unknown, never, unknown>;

/** A proto service: its full name and its methods by proto name. */
export interface ServiceDescriptor<Methods extends Record<string, AnyUnaryMethod>> {
  /** The proto package and service name, e.g. `sluice.raft.RaftService`. */
  readonly name: string;
  readonly methods: Methods;
}

/** Any service descriptor. */
export type AnyService = ServiceDescriptor<Record<string, AnyUnaryMethod>>;

/** The method names of a service. */
export type MethodName<S extends AnyService> = keyof S['methods'] & string;

/** What a client passes to `call`: the request's `$Properties` (all fields optional). */
export type RequestProps<S extends AnyService, K extends MethodName<S>> = Parameters<S['methods'][K]['requestType']['encode']>[0];
/** What a server handler receives: the decoded request class instance. */
export type RequestMessage<S extends AnyService, K extends MethodName<S>> = ReturnType<S['methods'][K]['requestType']['decode']>;
/** What a server handler returns: the response's `$Properties`. */
export type ResponseProps<S extends AnyService, K extends MethodName<S>> = Parameters<S['methods'][K]['responseType']['encode']>[0];
/** What a client's `call` resolves to: the decoded response class instance. */
export type ResponseMessage<S extends AnyService, K extends MethodName<S>> = ReturnType<S['methods'][K]['responseType']['decode']>;

/** Declares a unary method from two generated message classes. */
export function unary<RequestProps, RequestMessage extends RequestProps, ResponseProps, ResponseMessage extends ResponseProps>(
  requestType: MessageCodec<RequestProps, RequestMessage>,
  responseType: MessageCodec<ResponseProps, ResponseMessage>,
): UnaryMethod<RequestProps, RequestMessage, ResponseProps, ResponseMessage> {
  return { requestType, responseType };
}

/** Declares a service: its full proto name and its method table (keys are the proto method names). */
export function defineService<Methods extends Record<string, AnyUnaryMethod>>(name: string, methods: Methods): ServiceDescriptor<Methods> {
  return { name, methods };
}

/** The gRPC path of a method: `/sluice.raft.RaftService/Vote`. */
export function methodPath(service: AnyService, method: string): string {
  return `/${service.name}/${method}`;
}

/**
 * The grpc-js service definition for a descriptor, built by hand from the generated classes
 * (no reflection, no proto-loader): each method serializes with `Message.encode(m).finish()` and
 * deserializes with `Message.decode(bytes)`. Decode errors become INTERNAL in grpc-js.
 */
export function toGrpcDefinition(service: AnyService): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(service.methods)) {
    // The descriptor's generic types are erased here: grpc-js only moves bytes and values along.
    const requestType = method.requestType as MessageCodec<unknown, unknown>;
    const responseType = method.responseType as MessageCodec<unknown, unknown>;
    definition[name] = {
      path: methodPath(service, name),
      requestStream: false,
      responseStream: false,
      requestSerialize: (message: unknown) => toBuffer(requestType.encode(message).finish()),
      requestDeserialize: (bytes: Buffer) => requestType.decode(bytes),
      responseSerialize: (message: unknown) => toBuffer(responseType.encode(message).finish()),
      responseDeserialize: (bytes: Buffer) => responseType.decode(bytes),
      originalName: name,
    };
  }
  return definition;
}

/** The bytes as a Buffer without copying (protobufjs already returns a Buffer on Node). */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
