/**
 * Python's `str.format` for numbers, as ModelCheckpoint file names use it
 * (`'ckpt-{epoch:02d}-{val_loss:.2f}'`): replacement fields `{name}` and `{name:spec}`, `{{` and
 * `}}` for braces, and the format-spec mini-language `[[fill]align][sign][#][0][width][,|_][.precision][type]`
 * with types d, f, F, e, E, g, G, % (and none). Fields named in `ints` are Python ints (formatted
 * without a fraction when no type is given); every other value is a Python float, printed like
 * `repr(float)` by default.
 */

interface Spec {
  fill: string;
  align: string;
  sign: string;
  alternate: boolean;
  width: number;
  grouping: string;
  precision: number | null;
  type: string;
}

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([dfFeEgG%n])?$/s;

function parseSpec(spec: string, field: string): Spec {
  const m = SPEC.exec(spec);
  if (m === null) throw new Error(`format: invalid format spec '${spec}' in field {${field}}`);
  const zero = m[5] !== undefined;
  return {
    fill: m[1] ?? (zero && m[2] === undefined ? '0' : ' '),
    align: m[2] ?? (zero ? '=' : '>'),
    sign: m[3] ?? '-',
    alternate: m[4] !== undefined,
    width: m[6] === undefined ? 0 : Number(m[6]),
    grouping: m[7] ?? '',
    precision: m[8] === undefined ? null : Number(m[8]),
    type: m[9] ?? '',
  };
}

/** Exponent with a sign and at least two digits, as Python writes it ('e-05', 'e+16'). */
function pyExponent(s: string): string {
  return s.replace(/e([+-])(\d+)$/, (_, sign: string, d: string) => `e${sign}${d.padStart(2, '0')}`);
}

/** `repr(float)`: the shortest round-trip digits, positional for exponents -4..15, else scientific. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const [mantissa, e] = x.toExponential().split('e');
  const exp = Number(e);
  const sign = mantissa.startsWith('-') ? '-' : '';
  if (exp < -4 || exp >= 16) return pyExponent(`${mantissa}e${exp < 0 ? '-' : '+'}${Math.abs(exp)}`);
  const digits = mantissa.replace(/[-.]/g, '');
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  return `${sign}${int}.${digits.slice(exp + 1) || '0'}`;
}

/** Python's 'g': `p` significant digits, positional unless the exponent is < -4 or >= p; trailing zeros dropped unless '#'. */
function general(x: number, p: number, alternate: boolean): string {
  const digits = p === 0 ? 1 : p;
  const exp = Number(x.toExponential(digits - 1).split('e')[1]);
  const s = exp >= -4 && exp < digits ? x.toFixed(digits - 1 - exp) : pyExponent(x.toExponential(digits - 1));
  if (alternate) return s;
  const [m, e] = s.split('e');
  const trimmed = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
  return e === undefined ? trimmed : `${trimmed}e${e}`;
}

function body(x: number, spec: Spec, isInt: boolean, field: string): string {
  const t = spec.type;
  if (!Number.isFinite(x)) {
    if (t === 'd' || (t === '' && isInt)) throw new Error(`format: field {${field}} is ${x}, which has no integer form`);
    const s = Number.isNaN(x) ? 'nan' : 'inf';
    return t === 'F' || t === 'E' || t === 'G' ? s.toUpperCase() : t === '%' ? `${s}%` : s;
  }
  const a = Math.abs(x);
  const p = spec.precision;
  switch (t) {
    case 'd': case 'n':
      if (!Number.isInteger(x)) throw new Error(`format: unknown format code '${t}' for the float value ${x} of field {${field}}`);
      return String(a);
    case 'f': case 'F': return a.toFixed(p ?? 6);
    case 'e': case 'E': { const s = pyExponent(a.toExponential(p ?? 6)); return t === 'E' ? s.toUpperCase() : s; }
    case 'g': case 'G': { const s = general(a, p ?? 6, spec.alternate); return t === 'G' ? s.toUpperCase() : s; }
    case '%': return `${(a * 100).toFixed(p ?? 6)}%`;
    default:
      if (isInt && p === null) return String(a);
      if (isInt) throw new Error(`format: a precision is not allowed with an integer field {${field}}`);
      if (p === null) return pythonFloatRepr(a);
      // No type with a precision is 'g' that keeps at least one digit after a positional point.
      { const s = general(a, p, spec.alternate); return /[.e]/.test(s) ? s : `${s}.0`; }
  }
}

/** Thousands separators in the integer digits. */
function group(s: string, sep: string): string {
  if (sep === '') return s;
  const end = s.search(/[.e%]/);
  const cut = end < 0 ? s.length : end;
  return s.slice(0, cut).replace(/\B(?=(\d{3})+$)/g, sep) + s.slice(cut);
}

function pad(sign: string, digits: string, spec: Spec): string {
  const n = spec.width - sign.length - digits.length;
  if (n <= 0) return sign + digits;
  const fill = spec.fill.repeat(n);
  switch (spec.align) {
    case '<': return sign + digits + fill;
    case '^': return spec.fill.repeat(Math.floor(n / 2)) + sign + digits + spec.fill.repeat(n - Math.floor(n / 2));
    case '=': return sign + fill + digits;
    default: return fill + sign + digits;
  }
}

function formatNumber(x: number, spec: Spec, isInt: boolean, field: string): string {
  const negative = x < 0 || Object.is(x, -0);
  const sign = negative ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  return pad(sign, group(body(x, spec, isInt, field), spec.grouping), spec);
}

/** Formats `template` with `values`; an unknown field name throws, naming it and the known ones. */
export function formatPython(template: string, values: Readonly<Record<string, number>>, ints: ReadonlySet<string> = new Set()): string {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (match, inner: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    if (inner === undefined) throw new Error(`format: single '${match}' in '${template}'; write '${match}${match}' for a literal brace`);
    const colon = inner.indexOf(':');
    const name = colon < 0 ? inner : inner.slice(0, colon);
    const value = values[name];
    if (value === undefined) throw new Error(`format: '${template}' names {${name}}, which is not among ${Object.keys(values).join(', ')}`);
    return formatNumber(value, parseSpec(colon < 0 ? '' : inner.slice(colon + 1), name), ints.has(name), name);
  });
}
