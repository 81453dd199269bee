import type { FieldSpec, MessageSpec, ScalarType } from './schema.js';

/**
 * The type-level view of the API tables. The helpers in schema.ts (`field`, `structArray`, ...)
 * return `TypedField`s that carry, in types only, the field name, its value kind, and whether it
 * is nullable or tagged. `Shape` turns a table into the object type the codec produces, and
 * `Conforms` proves at compile time that a hand-written interface matches its table, so a typo in
 * an interface (or a table) fails `tsc` instead of reading `undefined` at run time.
 */

/** Which way a message travels through the codec: decoded objects are narrower than encodable ones. */
export type CodecDirection = 'decode' | 'encode';

/** TypeScript types of scalars as the decoder returns them. */
export interface DecodedScalars {
  int8: number; int16: number; uint16: number; int32: number; uint32: number; float64: number;
  int64: bigint;
  bool: boolean;
  string: string;
  uuid: string;
  bytes: Buffer;
  records: Buffer;
}

/** TypeScript types of scalars as the encoder accepts them: records may be a list of batch buffers. */
export interface EncodableScalars extends Omit<DecodedScalars, 'records'> {
  records: Buffer | Buffer[];
}

/** Value kind of an array of scalars (type-level only). */
export interface ScalarList<S extends ScalarType> { readonly scalarList: S }
/** Value kind of a nested struct (type-level only). */
export interface StructOf<F extends FieldSpec> { readonly struct: F }
/** Value kind of an array of structs (type-level only). */
export interface StructList<F extends FieldSpec> { readonly structList: F }

/** What the types know about one field. */
export interface FieldTypeInfo {
  readonly kind: ScalarType | ScalarList<ScalarType> | StructOf<FieldSpec> | StructList<FieldSpec>;
  readonly nullable: boolean;
  readonly tagged: boolean;
}

/** A FieldSpec whose name and value type are known to the compiler. `typeInfo` is never set at run time. */
export interface TypedField<N extends string, I extends FieldTypeInfo> extends FieldSpec {
  readonly name: N;
  readonly typeInfo?: I;
}

type InfoOf<K> = K extends { readonly typeInfo?: infer I } ? Exclude<I, undefined> : never;
type IsTagged<K> = InfoOf<K> extends { readonly tagged: true } ? true : false;

type ScalarValue<S extends ScalarType, D extends CodecDirection> =
  D extends 'decode' ? DecodedScalars[S] : EncodableScalars[S];

type KindValue<V, D extends CodecDirection> =
  V extends ScalarType ? ScalarValue<V, D>
    : V extends ScalarList<infer S> ? ScalarValue<S, D>[]
      : V extends StructOf<infer F> ? Shape<F, D> | null
        : V extends StructList<infer F> ? Shape<F, D>[]
          : never;

type FieldValue<K, D extends CodecDirection> = InfoOf<K> extends infer I extends FieldTypeInfo
  ? KindValue<I['kind'], D> | (I['nullable'] extends true ? null : never)
  : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The object type of a message whose fields are the union `F`. Tagged fields are optional (the
 * encoder omits them when undefined); every other field is required. A struct field is null when
 * it was absent from the version or not sent.
 */
export type Shape<F extends FieldSpec, D extends CodecDirection> = Simplify<
  { [K in F as IsTagged<K> extends true ? never : K['name']]: FieldValue<K, D> }
  & { [K in F as IsTagged<K> extends true ? K['name'] : never]?: FieldValue<K, D> }
>;

/** Every property path of T ("topics.partitions.records"), looking through arrays and null. */
type Paths<T> = T extends Buffer | bigint | string | number | boolean | null | undefined ? never
  : T extends readonly (infer E)[] ? Paths<E>
    : { [K in keyof T & string]-?: K | `${K}.${Paths<NonNullable<T[K]>>}` }[keyof T & string];

type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * True when interface `I` matches table fields `F`: the same property paths at every depth, every
 * decoded message fits `I`, and every `I` value can be encoded.
 */
export type Conforms<I, F extends FieldSpec> =
  SameSet<Paths<I>, Paths<Shape<F, 'decode'>>> extends true
    ? [Shape<F, 'decode'>] extends [I]
      ? [I] extends [Shape<F, 'encode'>] ? true : false
      : false
    : false;

/** The union of a message table's top-level fields: `Conforms<ProduceRequest, FieldsOf<typeof Produce.request>>`. */
export type FieldsOf<M extends MessageSpec> = M['fields'][number];
