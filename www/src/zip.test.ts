// Unit tests of the zip builder: the records a reader finds, read back field by field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildZip, crc32 } from "./zip";

test("crc32 of the check string", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

test("an archive of two files: local headers, data, central directory, end record", () => {
  const files = [
    { name: "AWSDynamoDB/x/_started", data: new Uint8Array() },
    { name: "AWSDynamoDB/x/data/é.json.gz", data: new Uint8Array([1, 2, 3]) },
  ];
  const zip = buildZip(files);
  const view = new DataView(zip.buffer);
  const end = zip.length - 22;
  assert.equal(view.getUint32(end, true), 0x06054b50);
  assert.equal(view.getUint16(end + 10, true), 2);
  let central = view.getUint32(end + 16, true);
  const names: string[] = [];
  for (let i = 0; i < 2; i++) {
    assert.equal(view.getUint32(central, true), 0x02014b50);
    const nameLength = view.getUint16(central + 28, true);
    const local = view.getUint32(central + 42, true);
    const size = view.getUint32(central + 24, true);
    assert.equal(view.getUint32(local, true), 0x04034b50);
    const data = zip.slice(local + 30 + nameLength, local + 30 + nameLength + size);
    assert.deepEqual([...data], [...files[i]!.data]);
    assert.equal(view.getUint32(central + 16, true), crc32(files[i]!.data));
    names.push(new TextDecoder().decode(zip.slice(central + 46, central + 46 + nameLength)));
    central += 46 + nameLength;
  }
  assert.deepEqual(names, files.map((f) => f.name));
  assert.equal(central, end);
});
