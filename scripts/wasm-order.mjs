// Names the wasm's functions for the order they are best shipped in (used by
// scripts/minify-js.mjs before it runs wasm-opt). index.html's wasm-opt flags end with
// `--reorder-functions-by-name`, which puts functions in the order of their names: code that
// looks alike then sits close together, inside gzip's 32 KB window. The names wasm-bindgen
// leaves are demangled Rust paths (`<kafka_flightsim[..]::sim::trace::TraceEvent as
// core[..]::fmt::Display>::fmt`), and sorted as they are, a trait's impls scatter among their
// types' other functions. Here a trait impl's name starts with its trait
// (`core::fmt::Display|kafka_flightsim::sim::trace::TraceEvent|fmt`), so every `fmt`, `clone`
// and `eq` sits with its own kind; crate hashes and leading `<` and `&` are dropped, and the
// function's index keeps each name unique. Only the names change (wasm-opt strips them after
// sorting): the code and what it does are the same, in another order. This ordering measured
// about 1.9 KB of gzip below sorting the names as they were (docs/BENCHMARKS.md).

import { leb, readLeb } from './wasm-leb.mjs';

const utf8 = (bytes) => Buffer.from(bytes).toString('utf8');

export function orderKey(name, index) {
  let s = name.replace(/\[[0-9a-f]+\]/g, '');
  const impl = /^<(.*?) as (.*?)>::(.*)$/.exec(s);
  if (impl) s = `${impl[2]}|${impl[1]}|${impl[3]}`;
  return `${s.replace(/^[<&]+/, '')}#${index}`;
}

// The module with its function names (the name section's subsection 1) replaced by their
// order keys; other sections as they were. Returns the bytes and how many names it rewrote.
export function nameForOrder(wasm) {
  const bytes = new Uint8Array(wasm);
  const out = [bytes.subarray(0, 8)];
  let renamed = 0;
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, start] = readLeb(bytes, pos + 1);
    const end = start + size;
    const [nameLen, nameStart] = id === 0 ? readLeb(bytes, start) : [0, start];
    if (id !== 0 || utf8(bytes.subarray(nameStart, nameStart + nameLen)) !== 'name') {
      out.push(bytes.subarray(pos, end));
      pos = end;
      continue;
    }
    const parts = [bytes.subarray(start, nameStart + nameLen)];
    let p = nameStart + nameLen;
    while (p < end) {
      const sub = bytes[p];
      const [subSize, subStart] = readLeb(bytes, p + 1);
      const subEnd = subStart + subSize;
      if (sub !== 1) {
        parts.push(bytes.subarray(p, subEnd));
      } else {
        let [count, q] = readLeb(bytes, subStart);
        const body = [Uint8Array.from(leb(count))];
        for (let k = 0; k < count; k++) {
          let index, len;
          [index, q] = readLeb(bytes, q);
          [len, q] = readLeb(bytes, q);
          const key = Buffer.from(orderKey(utf8(bytes.subarray(q, q + len)), index), 'utf8');
          q += len;
          body.push(Uint8Array.from([...leb(index), ...leb(key.length)]), key);
          renamed++;
        }
        const subBody = Buffer.concat(body);
        parts.push(Uint8Array.from([1, ...leb(subBody.length)]), subBody);
      }
      p = subEnd;
    }
    const section = Buffer.concat(parts);
    out.push(Uint8Array.from([0, ...leb(section.length)]), section);
    pos = end;
  }
  return { wasm: Buffer.concat(out), renamed };
}
