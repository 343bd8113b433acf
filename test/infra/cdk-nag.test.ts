import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import {
  EVERYTHING_CONTEXT,
  MINIMAL_CONTEXT,
  type SynthesizedLantern,
  synthesizeLantern,
} from './support/lantern-app.ts';

interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly violations: ReadonlyArray<{ readonly ruleName: string; readonly severity?: string }>;
  }>;
}

/** Every acknowledgement in the app: rule id, reason, and the construct path it covers. */
function acknowledgements(lantern: SynthesizedLantern): { id: string; reason: string; path: string }[] {
  const found: { id: string; reason: string; path: string }[] = [];
  for (const construct of lantern.app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ id: id.replace(/^annotation::/i, ''), reason, path: construct.node.path });
      }
    }
  }
  return found;
}

// Findings do not depend on the bundle's content: skip esbuild. The default app, every option on, every option off.
const configurations = {
  default: {},
  'every option on': EVERYTHING_CONTEXT,
  'every option off': MINIMAL_CONTEXT,
} as const;
const synthesized = Object.entries(configurations).map(
  ([name, context]) => [name, synthesizeLantern({ bundle: false, context })] as const,
);
afterAll(() => {
  for (const [, lantern] of synthesized) lantern.cleanUp();
});

describe.each(synthesized)('cdk-nag AwsSolutions, %s', (_name, lantern) => {
  it('reports no unacknowledged error or warning, and no CloudFormation spec violation', () => {
    const report: ValidationReport = JSON.parse(
      readFileSync(join(lantern.assembly.directory, 'validation-report.json'), 'utf8'),
    );
    const violations = report.pluginReports.flatMap((plugin) =>
      plugin.violations.map((violation) => `${plugin.pluginName}: ${violation.ruleName}`),
    );
    expect(violations).toEqual([]);
  });

  it('leaves no CDK warning or error annotation on either stack', () => {
    for (const stack of [lantern.stateful, lantern.stateless]) {
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    }
  });

  it('acknowledges each finding on a specific construct, with a reason', () => {
    const acks = acknowledgements(lantern);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(ack.reason.length).toBeGreaterThan(40);
      // Never on a whole stack or the app: always on the resource (or construct) that raised it.
      expect(ack.path.split('/').length).toBeGreaterThan(1);
    }
    // Wildcard-permission acknowledgements name the exact wildcard they accept.
    expect(
      acks.filter((ack) => ack.id.startsWith('AwsSolutions-IAM')).every((ack) => ack.id.includes('[')),
    ).toBe(true);
  });

  it('acknowledges only findings that actually occur', () => {
    // Run the same checks with every acknowledgement ignored, to see the raw findings.
    const pack = new AwsSolutionsChecks();
    Object.assign(pack, { isAcknowledged: () => false });
    const raw = pack.validateScope(lantern.app).violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => ({
        id: violation.ruleName,
        path: resource.constructPath,
      })),
    );
    const stale = acknowledgements(lantern).filter(
      (ack) => !raw.some((finding) => finding.id === ack.id && `${finding.path}/`.startsWith(`${ack.path}/`)),
    );
    expect(stale).toEqual([]);
  });
});

describe('cdk-nag on the options', () => {
  const [, everything] = synthesized[1] as (typeof synthesized)[number];
  const ids = (lantern: SynthesizedLantern) => acknowledgements(lantern).map((ack) => ack.id);

  it('does not excuse the missing WAF once -c waf=true adds one', () => {
    expect(ids(synthesized[0]?.[1] as SynthesizedLantern)).toContain('AwsSolutions-APIG3');
    expect(ids(everything)).not.toContain('AwsSolutions-APIG3');
  });

  it('accepts the any-region model grant of an inference profile only for that model', () => {
    expect(ids(everything)).toContain(
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0]',
    );
  });
});
