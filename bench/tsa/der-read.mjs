// A minimal DER walker for the bench (trusted input made in the same run): enough to find the
// signed bytes and signature values inside a token, a CRL and an OCSP response.
/** Decodes one DER value into { tag, constructed, raw, content, children }. */
export function decodeDer(bytes, at = 0) {
  const node = read(bytes, at);
  return node;
}
function read(bytes, at) {
  const id = bytes[at];
  let i = at + 1;
  let length = bytes[i++];
  if (length & 0x80) {
    const n = length & 0x7f;
    length = 0;
    for (let k = 0; k < n; k++) length = length * 256 + bytes[i++];
  }
  const content = bytes.subarray(i, i + length);
  const constructed = (id & 0x20) !== 0;
  const children = [];
  if (constructed) for (let c = 0; c < length; ) {
    const child = read(content, c);
    children.push(child);
    c += child.raw.length;
  }
  return { tag: id & 0x1f, constructed, raw: bytes.subarray(at, i + length), content, children };
}
