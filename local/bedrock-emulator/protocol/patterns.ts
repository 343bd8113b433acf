/**
 * The model's `pattern` constraints as JavaScript regular expressions. AWS enforces them with
 * Java's regex engine, so the few constructs only Java knows are translated, and a pattern that
 * cannot be translated faithfully is not enforced at all: accepting a request AWS might refuse is
 * the lesser fault, refusing one AWS accepts would hide nothing and break offline runs.
 *
 * Smithy's `pattern` trait is not implicitly anchored, so neither are these; AWS's own patterns
 * mostly carry `^…$`.
 */

export type CompiledPattern =
  | { readonly ok: true; readonly regex: RegExp }
  | { readonly ok: false; readonly reason: string };

const cache = new Map<string, CompiledPattern>();

export function compilePattern(pattern: string): CompiledPattern {
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    compiled = translate(pattern);
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** Java's POSIX classes, ASCII-only as in Java without UNICODE_CHARACTER_CLASS. */
const posixClasses: Readonly<Record<string, string>> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

function translate(pattern: string): CompiledPattern {
  if (pattern.includes('&&')) return { ok: false, reason: 'Java character-class intersection (&&)' };
  if (/\\[QE]/.test(pattern)) return { ok: false, reason: 'Java quoting (\\Q…\\E)' };
  if (/\(\?[a-zA-Z-]/.test(pattern)) return { ok: false, reason: 'Java inline flags' };
  let source = pattern.replace(/\\A/g, '^').replace(/\\[zZ]/g, '$');
  let unknownClass: string | undefined;
  source = source.replace(/\\([pP])\{(?:Is)?(\w+)\}/g, (whole, kind: string, name: string, at: number) => {
    const range = posixClasses[name];
    if (range !== undefined) {
      if (!insideClass(source, at)) return kind === 'p' ? `[${range}]` : `[^${range}]`;
      if (kind === 'p') return range;
      unknownClass = `negated ${name} inside a class`;
      return whole;
    }
    // Unicode properties JavaScript knows (L, Lu, N, …) need the `u` flag and keep their meaning.
    if (/^(L[ultmo]?|M[nce]?|N[dlo]?|P[cdseifo]?|S[mcko]?|Z[slp]?|C[cfson]?)$/.test(name)) return whole;
    unknownClass = name;
    return whole;
  });
  if (unknownClass !== undefined) return { ok: false, reason: `Java class \\p{${unknownClass}}` };
  // Possessive quantifiers only forbid backtracking; as greedy ones they accept a superset.
  source = source.replace(/(?<!\\)(\*|\+|\?|\{\d+(?:,\d*)?\})\+/g, '$1');
  // `u` matches by code point as Java does; AWS's patterns also escape characters needlessly
  // (`\!`, `\'`), which only the non-unicode syntax allows.
  for (const flags of ['u', '']) {
    try {
      return { ok: true, regex: new RegExp(source, flags) };
    } catch {
      // try the next syntax
    }
  }
  return { ok: false, reason: 'not a valid JavaScript regular expression' };
}

/** Whether position `at` lies inside a `[...]` class (escapes honoured; Java's nested classes aside). */
function insideClass(source: string, at: number): boolean {
  let inside = false;
  for (let i = 0; i < at; i++) {
    const char = source[i];
    if (char === '\\') i++;
    else if (char === '[') inside = true;
    else if (char === ']') inside = false;
  }
  return inside;
}
