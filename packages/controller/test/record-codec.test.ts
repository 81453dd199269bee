/**
 * Proves the versioning machinery with a test-only record type that has three versions: bytes
 * written at v1 and v2 decode as v3 through the upgrade steps in order, v3 round trips, v4 is
 * refused, and a schema without one upgrade per older version is rejected when the codec is built.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvariantError, RecordCodec, RecordFormatError, type RecordSchema } from '../src/index.js';

interface WidgetV3 {
  readonly type: 'Widget';
  readonly version: 3;
  readonly widgetId: number;
  readonly label: string;
  readonly owners: readonly number[];
}

const schemas: Record<string, RecordSchema> = {
  Widget: {
    version: 3,
    fields: { widgetId: 'int32', label: 'string', owners: 'int32Array' },
    upgrades: [
      // v1 → v2: v2 added `owners`, empty for widgets written before.
      (fields) => ({ ...fields, owners: [] }),
      // v2 → v3: v3 renamed `name` to `label`.
      ({ name, ...rest }) => ({ ...rest, label: name }),
    ],
  },
};
const codec = new RecordCodec<WidgetV3>(schemas);

function bytes(value: object): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

test('a v1 record upgrades through every step to the current version', () => {
  const decoded = codec.decode(bytes({ type: 'Widget', version: 1, widgetId: 4, name: 'w' }));
  assert.deepEqual(decoded, { type: 'Widget', version: 3, widgetId: 4, label: 'w', owners: [] });
});

test('a v2 record runs only the later upgrade step', () => {
  const decoded = codec.decode(bytes({ type: 'Widget', version: 2, widgetId: 4, name: 'w', owners: [1] }));
  assert.deepEqual(decoded, { type: 'Widget', version: 3, widgetId: 4, label: 'w', owners: [1] });
});

test('the current version round trips and a newer one is refused', () => {
  const record: WidgetV3 = { type: 'Widget', version: 3, widgetId: 1, label: 'x', owners: [2, 3] };
  assert.deepEqual(codec.decode(codec.encode(record)), record);
  assert.throws(() => codec.decode(bytes({ ...record, version: 4 })), RecordFormatError);
});

test('an upgraded record that still breaks the schema is refused', () => {
  assert.throws(() => codec.decode(bytes({ type: 'Widget', version: 1, widgetId: 4 })), RecordFormatError);
});

test('a schema needs exactly one upgrade per older version', () => {
  assert.throws(() => new RecordCodec({ Widget: { version: 2, fields: {}, upgrades: [] } }), InvariantError);
  assert.throws(() => new RecordCodec({ Widget: { version: 0, fields: {}, upgrades: [] } }), InvariantError);
});
