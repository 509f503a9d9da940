// Typed arrays from the chart's data (optiviz/figures/chart_data.py): Plotly's typed-array
// spec {"dtype", "bdata" (base64), "shape"}, and the families' deflated spec
// {"dtype", "shape", "zdata" (base64 of zlib), "filter": "delta" | "shuffle"}, whose
// uint16 codes stand for 3-digit decimals where it says "decimal": 3.

const TYPES = { f4: Float32Array, f8: Float64Array, i4: Int32Array, u2: Uint16Array };

function bytesOf(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function rows(flat, shape) {
  // A flat array as shape[0] rows of the rest of the shape (flat, each a subarray).
  if (!shape || shape.length < 2) return flat;
  const width = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, r) => flat.subarray(r * width, (r + 1) * width));
}

function typed(spec) {
  const flat = new TYPES[spec.dtype](bytesOf(spec.bdata).buffer);
  // Plotly writes a shape as "rows, cols"; encode_array writes [rows, cols].
  const shape = typeof spec.shape === "string" ? spec.shape.split(",").map(Number) : spec.shape;
  return rows(flat, shape);
}

export function decode(value) {
  // Every typed-array spec inside `value` as a typed array (a 2-D one as rows).
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === "object") {
    if (ArrayBuffer.isView(value)) return value;
    if (typeof value.bdata === "string" && value.dtype in TYPES) return typed(value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

async function inflate(bytes) {
  // zlib's deflate undone, by the browser's (and Node's) DecompressionStream.
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function unfiltered(raw, spec) {
  // packing.packed's filters undone: "shuffle" regroups each value's bytes, "delta"
  // sums the uint16 differences along the last axis but one (mod 2^16).
  const Type = TYPES[spec.dtype];
  if (spec.filter === "shuffle") {
    const size = Type.BYTES_PER_ELEMENT;
    const count = raw.length / size;
    const out = new Uint8Array(raw.length);
    for (let b = 0; b < size; b++) {
      for (let i = 0; i < count; i++) out[i * size + b] = raw[b * count + i];
    }
    return new Type(out.buffer);
  }
  const flat = new Type(raw.buffer, raw.byteOffset, raw.length / Type.BYTES_PER_ELEMENT);
  if (spec.filter === "delta") {
    const shape = spec.shape;
    const width = shape[shape.length - 1];
    const length = shape[shape.length - 2];
    for (let start = 0; start < flat.length; start += width * length) {
      for (let t = 1; t < length; t++) {
        for (let c = 0; c < width; c++) {
          const i = start + t * width + c;
          flat[i] = (flat[i] + flat[i - width]) & 0xffff;
        }
      }
    }
  }
  return flat;
}

const DECIMAL_ZERO = 65533;
const DECIMAL_INF = 65534;
const DECIMAL_NAN = 65535;

function undecimal3(codes) {
  // packing.undecimal3: code (e + 40) * 1000 + m - 100 is m * 10^(e - 2).
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === DECIMAL_ZERO) out[i] = 0;
    else if (c === DECIMAL_INF) out[i] = Infinity;
    else if (c === DECIMAL_NAN) out[i] = NaN;
    else {
      const e = Math.floor(c / 1000) - 40;
      const m = (c % 1000) + 100;
      // Divide by a power of ten rather than multiply by its inverse: exact for e < 2.
      out[i] = e >= 2 ? m * 10 ** (e - 2) : m / 10 ** (2 - e);
    }
  }
  return out;
}

export async function unpack(value) {
  // `value` with every deflated spec inside it as a typed array (as rows), and every
  // plain spec decoded too.
  if (Array.isArray(value)) return Promise.all(value.map(unpack));
  if (value && typeof value === "object" && !ArrayBuffer.isView(value)) {
    if (typeof value.zdata === "string" && value.dtype in TYPES) {
      const raw = await inflate(bytesOf(value.zdata));
      const flat = unfiltered(raw, value);
      return rows(value.decimal === 3 ? undecimal3(flat) : flat, value.shape);
    }
    if (typeof value.bdata === "string" && value.dtype in TYPES) return typed(value);
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await unpack(v)]),
    );
    return Object.fromEntries(entries);
  }
  return value;
}
