// The wasm binary format's unsigned LEB128 integers, read and written, for the release hook's
// two passes over the module (scripts/wasm-names.mjs, scripts/wasm-order.mjs).

// The number at `pos` and the position after it.
export function readLeb(bytes, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, pos];
  }
}

// `n`'s bytes.
export function leb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
