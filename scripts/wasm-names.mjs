// Shortens the names the wasm and its JS glue link by (used by scripts/minify-js.mjs on release
// builds). wasm-bindgen names each import after the JS function plus a 16-digit hash
// (`__wbg_appendChild_dbf7ad2f48413560`), the import module `./kafka-flightsim_bg.js`, and the
// closure exports after their mangled Rust paths; every name is written twice, once in the
// wasm's import or export section and once in the glue. Hex digits do not compress, so the
// names cost about 5 KB of the bundle's gzip. Here every import becomes a one- or two-letter
// name, the module `a`, and every export the glue reads a short name too, in both files: the
// code is untouched, only what the two sides call each other. Each rename is checked to hit
// exactly the places it must (an object key for an import, a property read for an export), so a
// glue of another shape fails the build instead of shipping a broken page.

import { leb, readLeb } from './wasm-leb.mjs';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

// The k-th short name: a..Z, then aa, ba, ... (never a JS keyword or `__proto__`).
function shortName(k) {
  let s = LETTERS[k % 52];
  for (k = Math.floor(k / 52); k > 0; k = Math.floor(k / 52)) s += LETTERS[k % 52];
  return s;
}

function readName(bytes, pos) {
  const [len, start] = readLeb(bytes, pos);
  return [Buffer.from(bytes.subarray(start, start + len)).toString('utf8'), start + len];
}

function name(s) {
  const b = Buffer.from(s, 'utf8');
  return [...leb(b.length), ...b];
}

// Skips an import's descriptor (function, table, memory, global or tag); returns its end.
function skipImportDesc(bytes, pos) {
  const kind = bytes[pos++];
  const limits = (p) => {
    const flags = bytes[p++];
    [, p] = readLeb(bytes, p);
    if (flags & 1) [, p] = readLeb(bytes, p);
    return p;
  };
  switch (kind) {
    case 0: return readLeb(bytes, pos)[1];
    case 1: return limits(pos + 1);
    case 2: return limits(pos);
    case 3: return pos + 2;
    case 4: return readLeb(bytes, pos + 1)[1];
    default: throw new Error(`wasm-names: unknown import kind ${kind}`);
  }
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Replaces `from` by `to` in the glue, where the pattern around it says it may stand; every
// occurrence of `from` must be such a place, and there must be `min` of them at least.
const occurrences = (js, from) => (js.match(new RegExp(`(?<![\\w$])${escape(from)}(?![\\w$])`, 'g')) || []).length;

function renameIn(js, from, to, before, after, min) {
  const all = occurrences(js, from);
  const re = new RegExp(`(${before})${escape(from)}(?=${after})(?![\\w$])`, 'g');
  let hits = 0;
  const out = js.replace(re, (_, b) => {
    hits++;
    return b + to;
  });
  if (hits !== all || hits < min) {
    throw new Error(`wasm-names: ${from} is in the glue ${all} times, ${hits} of them where expected`);
  }
  return out;
}

export function shortenNames(wasm, js) {
  const bytes = new Uint8Array(wasm);
  if (Buffer.from(bytes.subarray(0, 4)).toString('latin1') !== '\0asm') throw new Error('wasm-names: not a wasm module');
  const out = [bytes.subarray(0, 8)];
  let pos = 8;
  let imports = 0;
  let exports = 0;
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, start] = readLeb(bytes, pos + 1);
    const end = start + size;
    if (id === 2) {
      let [count, p] = readLeb(bytes, start);
      const body = [...leb(count)];
      let module = null;
      for (let k = 0; k < count; k++) {
        let m, f;
        [m, p] = readName(bytes, p);
        [f, p] = readName(bytes, p);
        const descEnd = skipImportDesc(bytes, p);
        if (module === null) {
          module = m;
          js = renameIn(js, JSON.stringify(m), 'a', '[{,]', ':', 1);
        } else if (m !== module) {
          throw new Error(`wasm-names: imports from two modules, ${module} and ${m}`);
        }
        const to = shortName(k);
        js = renameIn(js, f, to, '[{,]', ':', 1);
        body.push(...name('a'), ...name(to), ...bytes.subarray(p, descEnd));
        p = descEnd;
        imports++;
      }
      out.push(Uint8Array.from([2, ...leb(body.length), ...body]));
    } else if (id === 7) {
      let [count, p] = readLeb(bytes, start);
      const body = [...leb(count)];
      for (let k = 0; k < count; k++) {
        let f;
        [f, p] = readName(bytes, p);
        const descEnd = readLeb(bytes, p + 1)[1];
        let to = f;
        // The glue reads exports as properties (`wasm.__wbindgen_malloc`); one it never reads
        // (`main`) keeps its name. Short names are upper-case first, so they cannot meet `memory`.
        if (f !== 'memory' && occurrences(js, f) > 0) {
          to = shortName(26 + k);
          js = renameIn(js, f, to, '\\.', '[^\\w$]', 1);
          exports++;
        }
        body.push(...name(to), ...bytes.subarray(p, descEnd));
        p = descEnd;
      }
      out.push(Uint8Array.from([7, ...leb(body.length), ...body]));
    } else {
      out.push(bytes.subarray(pos, end));
    }
    pos = end;
  }
  return { wasm: Buffer.concat(out), js, imports, exports };
}
