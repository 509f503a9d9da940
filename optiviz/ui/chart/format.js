// Numbers as the chart writes them: Python's format(v, f".{digits}g"), the way
// optiviz.figures.runs.readout writes them, for the readout (frames.js) and the arrows'
// labels (arrows.js) alike.

function rounded(v, digits) {
  // v to `digits` significant digits, an exact tie to even as Python rounds it
  // (toPrecision rounds a tie away from zero: 1234.5 to 4 digits is 1234, not 1235).
  const [mantissa, exponent] = Math.abs(v).toExponential(99).split("e");
  const all = mantissa.replace(".", "");
  const tie = all[digits] === "5" && /^0*$/.test(all.slice(digits + 1));
  if (!tie || Number(all[digits - 1]) % 2 === 1) return Number(v.toPrecision(digits));
  const kept = `${all[0]}.${all.slice(1, digits)}e${exponent}`;
  return Math.sign(v) * Number(kept);
}

export function formatG(v, digits) {
  // Python's format(v, f".{digits}g"): `digits` significant digits, an exponent of at
  // least two digits below 1e-4 and from 10**digits up; "nan", "inf", "-inf", "-0".
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Object.is(v, -0)) return "-0";
  const r = rounded(v, digits);
  const size = Math.abs(r);
  if (size !== 0 && (size < 1e-4 || size >= 10 ** digits)) {
    return r.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  return String(r);
}
