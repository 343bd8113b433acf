import { describe, expect, it } from 'vitest';
import { compilePattern } from '../../../../local/bedrock-emulator/protocol/patterns.ts';
import { serviceModel, serviceNames } from '../../../../local/bedrock-emulator/protocol/service-model.ts';

const accepts = (pattern: string, value: string) => {
  const compiled = compilePattern(pattern);
  if (!compiled.ok) throw new Error(compiled.reason);
  return compiled.regex.test(value);
};

describe('botocore patterns as JavaScript regular expressions', () => {
  it('compiles every pattern of the served models; none is left unenforced', () => {
    const untranslatable: string[] = [];
    let total = 0;
    for (const service of serviceNames) {
      for (const [name, shape] of Object.entries(serviceModel(service).shapes)) {
        if (shape.pattern === undefined) continue;
        total++;
        const compiled = compilePattern(shape.pattern);
        if (!compiled.ok) untranslatable.push(`${service} ${name}: ${compiled.reason}`);
      }
    }
    console.info(`patterns: ${total} compiled, ${untranslatable.length} untranslatable`, untranslatable);
    expect(total).toBeGreaterThan(300);
    expect(untranslatable).toEqual([]);
  });

  it("takes AWS's needless escapes and matches astral characters by code point, as Java does", () => {
    const s3Key = "^[\\.\\-\\!\\*\\_\\'\\(\\)a-zA-Z0-9][\\.\\-\\!\\*\\_\\'\\(\\)\\/a-zA-Z0-9]*$";
    expect(accepts(s3Key, "docs/it's-fine.md")).toBe(true);
    expect(accepts(s3Key, '/leading-slash')).toBe(false);
    expect(accepts('^.{1,2}$', '😀😀')).toBe(true);
  });

  it('is not anchored unless the pattern says so (Smithy semantics)', () => {
    expect(accepts('[0-9a-zA-Z]{10}', 'ABCDE12345')).toBe(true);
    expect(accepts('[0-9a-zA-Z]{10}', 'short')).toBe(false);
    expect(accepts('^[0-9a-zA-Z]{10}$', 'ABCDE12345-x')).toBe(false);
  });

  it('translates Java-only constructs and refuses what it cannot translate faithfully', () => {
    expect(accepts('\\A\\p{Alpha}++\\z', 'abc')).toBe(true);
    expect(accepts('\\A\\p{Alpha}++\\z', 'ab1')).toBe(false);
    expect(accepts('^\\p{L}+$', 'Zürich')).toBe(true);
    expect(accepts('^[\\p{Digit}_]+$', '12_3')).toBe(true);
    expect(accepts('^[\\p{Digit}_]+$', '12a')).toBe(false);
    expect(accepts('^\\++$', '++')).toBe(true);
    expect(compilePattern('(?i)abc')).toEqual({ ok: false, reason: 'Java inline flags' });
    expect(compilePattern('[a-z&&[^x]]')).toMatchObject({ ok: false });
    expect(compilePattern('\\Qa.b\\E')).toMatchObject({ ok: false });
    expect(compilePattern('\\p{javaLowerCase}')).toMatchObject({ ok: false });
  });
});
