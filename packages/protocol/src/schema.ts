import type { FieldTypeInfo, ScalarList, StructList, StructOf, TypedField } from './shape.js';

/**
 * The typed tables that describe each Kafka API, in the shape of Kafka's own JSON message
 * definitions: a field has a name, a type, the versions it exists in, the versions where it
 * may be null, and optionally a tag (tagged fields, KIP-482). One generic codec (codec.ts)
 * runs these tables in both directions.
 */

/** Inclusive version range; max is Infinity for "N+". */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** Kafka's scalar wire types; 'records' is a length-prefixed run of record batches. */
export type ScalarType =
  | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'float64' | 'bool'
  | 'string' | 'bytes' | 'uuid' | 'records';

/** One field of a message table, in the shape of a field in Kafka's JSON definitions. */
export interface FieldSpec {
  readonly name: string;
  /** A scalar type, or 'struct' / 'array' with `fields` (struct elements) or `items` (scalar elements). */
  readonly type: ScalarType | 'struct' | 'array';
  readonly items?: ScalarType;
  readonly fields?: readonly FieldSpec[];
  readonly versions: VersionRange;
  readonly nullableVersions?: VersionRange;
  readonly tag?: number;
  readonly taggedVersions?: VersionRange;
  /** Value used when the field is absent in a version, or missing when encoding. */
  readonly default?: unknown;
}

/** A request or response body: its top-level fields. */
export interface MessageSpec {
  readonly fields: readonly FieldSpec[];
}

/** One Kafka API: key, the versions we serve, where flexible versions start, and both message tables. */
export interface ApiSpec {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First flexible version (compact types + tagged fields); Infinity if none we serve. */
  readonly flexibleMin: number;
  readonly request: MessageSpec;
  readonly response: MessageSpec;
}

/** Parses Kafka's version notation: "0+", "3-5", "2", "none". */
export function versions(text: string): VersionRange {
  if (text === 'none') return { min: Infinity, max: -Infinity };
  const plus = /^(\d+)\+$/.exec(text);
  if (plus) return { min: Number(plus[1]), max: Infinity };
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  if (/^\d+$/.test(text)) return { min: Number(text), max: Number(text) };
  throw new Error(`bad version range: ${text}`);
}

/** True when `version` lies in `range`; an undefined range contains nothing. */
export function inRange(range: VersionRange | undefined, version: number): boolean {
  return range !== undefined && version >= range.min && version <= range.max;
}

/** Options of the field helpers; they mirror Kafka's JSON keys. */
export interface FieldOptions {
  /** Versions in which the field may be null, e.g. '1+'. */
  nullable?: string;
  /** Value for versions without the field (and for omitted fields when encoding); int64 defaults are bigint. */
  default?: unknown;
  tag?: number;
  /** Versions in which the field is tagged, e.g. '3+'. */
  tagged?: string;
}

type NullableIn<O> = O extends { nullable: string } ? true : false;
type TaggedIn<O> = O extends { tag: number } ? true : false;
type Info<K extends FieldTypeInfo['kind'], O> = { kind: K; nullable: NullableIn<O>; tagged: TaggedIn<O> };

function withOptions(base: Omit<FieldSpec, 'nullableVersions' | 'tag' | 'taggedVersions' | 'default'>, options: FieldOptions): FieldSpec {
  return {
    ...base,
    ...(options.nullable !== undefined ? { nullableVersions: versions(options.nullable) } : {}),
    ...(options.default !== undefined ? { default: options.default } : {}),
    ...(options.tag !== undefined ? { tag: options.tag } : {}),
    ...(options.tagged !== undefined ? { taggedVersions: versions(options.tagged) } : {}),
  };
}

/** The options type when a field is declared without options. */
type NoOptions = Record<never, never>;

/** A scalar field: `field('throttleTimeMs', 'int32', '1+')`. */
export function field<N extends string, T extends ScalarType, O extends FieldOptions = NoOptions>(
  name: N, type: T, vers: string, options?: O,
): TypedField<N, Info<T, O>> {
  return withOptions({ name, type, versions: versions(vers) }, options ?? {}) as TypedField<N, Info<T, O>>;
}

/** An array of scalars: `scalarArray('brokerIds', 'int32', '0+')`. */
export function scalarArray<N extends string, T extends ScalarType, O extends FieldOptions = NoOptions>(
  name: N, items: T, vers: string, options?: O,
): TypedField<N, Info<ScalarList<T>, O>> {
  return withOptions({ name, type: 'array', items, versions: versions(vers) }, options ?? {}) as TypedField<N, Info<ScalarList<T>, O>>;
}

/** An array of structs: `structArray('topics', '0+', [ ...fields ])`. */
export function structArray<N extends string, F extends FieldSpec, O extends FieldOptions = NoOptions>(
  name: N, vers: string, fields: readonly F[], options?: O,
): TypedField<N, Info<StructList<F>, O>> {
  return withOptions({ name, type: 'array', fields, versions: versions(vers) }, options ?? {}) as TypedField<N, Info<StructList<F>, O>>;
}

/** A nested struct: `struct('leader', '0+', [ ...fields ])`. Decodes to null when absent from the version or not sent. */
export function struct<N extends string, F extends FieldSpec, O extends FieldOptions = NoOptions>(
  name: N, vers: string, fields: readonly F[], options?: O,
): TypedField<N, Info<StructOf<F>, O>> {
  return withOptions({ name, type: 'struct', fields, versions: versions(vers) }, options ?? {}) as TypedField<N, Info<StructOf<F>, O>>;
}
