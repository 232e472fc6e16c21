// The WHATWG reading table shared with the .NET client (tests/Shared/whatwg-reading.json): every case with LF, CR
// and CRLF line ends (unless it is about line ends itself), fed whole, byte by byte and in seeded random chunkings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SseEventParser, SseEventTooLargeError } from "../src/parser.js";

interface Expected { data: string; type: string; id: string; retry?: number }
interface Case { name: string; input: string; varyNewlines: boolean; expected: Expected[] }

const table = JSON.parse(readFileSync(fileURLToPath(new URL("../../../../tests/Shared/whatwg-reading.json", import.meta.url)), "utf8")) as Case[];

function chunker(kind: string): (remaining: number) => number {
  if (kind === "whole") return (remaining) => remaining;
  if (kind === "bytes") return () => 1;
  let seed = kind === "random1" ? 1 : 2; // A fixed seed per chunking: a failure replays exactly.
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return 1 + (seed % 9);
  };
}

test("the table has at least fifty cases", () => assert.ok(table.length >= 50, `${table.length} cases`));

for (const c of table) {
  for (const newline of c.varyNewlines ? ["LF", "CR", "CRLF"] : ["AsWritten"]) {
    for (const chunking of ["whole", "bytes", "random1", "random2"]) {
      test(`${c.name} (${newline}, ${chunking})`, () => {
        const input = newline === "CR" ? c.input.replaceAll("\n", "\r") : newline === "CRLF" ? c.input.replaceAll("\n", "\r\n") : c.input;
        const bytes = new TextEncoder().encode(input);
        const parser = new SseEventParser();
        const next = chunker(chunking);
        const actual: Expected[] = [];
        for (let offset = 0; offset < bytes.length;) {
          const size = Math.min(next(bytes.length - offset), bytes.length - offset);
          for (const e of parser.push(bytes.subarray(offset, offset + size))) {
            actual.push(e.retry === undefined ? { data: e.data, type: e.type, id: e.lastEventId } : { data: e.data, type: e.type, id: e.lastEventId, retry: e.retry });
          }
          offset += size;
        }
        parser.end();
        assert.deepEqual(actual, c.expected);
      });
    }
  }
}

test("an event over the limit fails early, even as one endless line", () => {
  const parser = new SseEventParser("", 1000);
  assert.throws(() => parser.push(new TextEncoder().encode("data: " + "x".repeat(2000))), SseEventTooLargeError);
});
