import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  PolicyViolation,
} from 'aws-cdk-lib';

/**
 * Checks synthesized templates against the CloudFormation resource specification that ships with the
 * CDK CLI: `aws-cdk/db.json.gz`, the `@aws-cdk/service-spec` database the CLI uses for `cdk diff`. It
 * is built from CloudFormation's resource provider schemas, and holds every resource type with its
 * properties (name, type, required, allowed values) and attributes.
 *
 * For every resource the check reports: an unknown type, an unknown or missing required property (at
 * any depth), a literal of the wrong type, a literal string outside the property's allowed values, and
 * a `Fn::GetAtt` of an attribute the target type does not have. Values computed by intrinsic functions
 * are not judged. Custom resources are skipped: their properties are the provider's business.
 */

/** A type in the database: primitives, references to property types, lists, maps and unions. */
type SpecType =
  | { readonly type: 'string'; readonly allowedValues?: readonly string[] }
  | { readonly type: 'integer' | 'number' | 'boolean' | 'json' | 'date-time' | 'tag' | 'null' }
  | { readonly type: 'array' | 'map'; readonly element: SpecType }
  | { readonly type: 'ref'; readonly reference: { readonly $ref: string } }
  | { readonly type: 'union'; readonly types: readonly SpecType[] };

interface SpecProperty {
  readonly type: SpecType;
  readonly required?: boolean;
}

interface SpecResource {
  readonly cloudFormationType: string;
  readonly properties: Readonly<Record<string, SpecProperty>>;
  readonly attributes: Readonly<Record<string, unknown>>;
}

interface SpecTypeDefinition {
  readonly $id: string;
  readonly name: string;
  readonly properties: Readonly<Record<string, SpecProperty>>;
}

/** The parts of the database the check reads. */
export interface CloudFormationSpec {
  readonly resources: ReadonlyMap<string, SpecResource>;
  readonly typeDefinitions: ReadonlyMap<string, SpecTypeDefinition>;
  /** Where it was read from. */
  readonly source: string;
}

/** One thing wrong with a template. */
export interface SpecProblem {
  readonly logicalId: string;
  /** Where in the resource, e.g. `Properties/Integration/ResponseTransferMode`. */
  readonly location: string;
  readonly message: string;
}

let cached: CloudFormationSpec | undefined;

/** Loads (once per process) the resource specification bundled with the installed `aws-cdk` CLI. */
export function loadCloudFormationSpec(): CloudFormationSpec {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const source = join(dirname(require.resolve('aws-cdk/package.json')), 'db.json.gz');
  const db = JSON.parse(gunzipSync(readFileSync(source)).toString('utf8')) as {
    schema: {
      resource: { entities: SpecResource[] };
      typeDefinition: { entities: SpecTypeDefinition[] };
    };
  };
  cached = {
    resources: new Map(db.schema.resource.entities.map((r) => [r.cloudFormationType, r])),
    typeDefinitions: new Map(db.schema.typeDefinition.entities.map((t) => [t.$id, t])),
    source,
  };
  return cached;
}

interface Template {
  readonly Resources?: Record<string, { Type?: unknown; Properties?: unknown }>;
  readonly Parameters?: Record<string, unknown>;
}

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** A problem inside one resource: where, and what. */
interface Finding {
  readonly location: string;
  readonly message: string;
}

/** Checks one template; returns every problem found (none for a valid template). */
export function checkTemplate(template: Template, spec: CloudFormationSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const resources = template.Resources ?? {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    const type = String(resource.Type);
    if (isCustomResource(type)) continue;
    const definition = spec.resources.get(type);
    const findings: Finding[] = [];
    if (!definition) {
      findings.push({ location: 'Type', message: `unknown resource type ${type}` });
    } else {
      const properties = resource.Properties ?? {};
      if (isPlainObject(properties)) {
        findings.push(...checkObject(properties, definition.properties, 'Properties', spec));
      } else {
        findings.push({ location: 'Properties', message: 'must be an object' });
      }
    }
    problems.push(...findings.map((finding) => ({ logicalId, ...finding })));
  }
  checkReferences(template, spec, problems);
  return problems;
}

function checkObject(
  value: Record<string, unknown>,
  properties: Readonly<Record<string, SpecProperty>>,
  location: string,
  spec: CloudFormationSpec,
): Finding[] {
  const findings: Finding[] = [];
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && !(name in value)) {
      findings.push({ location: `${location}/${name}`, message: 'required property is missing' });
    }
  }
  for (const [name, child] of Object.entries(value)) {
    const property = properties[name];
    if (property) {
      findings.push(...checkValue(child, property.type, `${location}/${name}`, spec));
    } else {
      findings.push({
        location: `${location}/${name}`,
        message: `unknown property (known: ${Object.keys(properties).join(', ')})`,
      });
    }
  }
  return findings;
}

const TAG_PROPERTIES: Readonly<Record<string, SpecProperty>> = {
  Key: { type: { type: 'string' }, required: true },
  Value: { type: { type: 'string' }, required: true },
};

function checkValue(value: unknown, type: SpecType, location: string, spec: CloudFormationSpec): Finding[] {
  if (isIntrinsic(value)) return [];
  const wrong = (expected: string): Finding[] => [
    { location, message: `expected ${expected}, got ${describe(value)}` },
  ];
  switch (type.type) {
    case 'json':
      return [];
    case 'string':
    case 'date-time': {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        return wrong('a string');
      }
      const allowed = type.type === 'string' ? type.allowedValues : undefined;
      if (allowed && !allowed.includes(String(value))) {
        return [{ location, message: `${JSON.stringify(value)} is not one of ${allowed.join(', ')}` }];
      }
      return [];
    }
    case 'integer':
    case 'number': {
      const number =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : Number.NaN;
      if (Number.isNaN(number)) return wrong('a number');
      return type.type === 'integer' && !Number.isInteger(number) ? wrong('an integer') : [];
    }
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false' ? [] : wrong('a boolean');
    case 'null':
      return value === null ? [] : wrong('null');
    case 'tag':
      return isPlainObject(value) ? checkObject(value, TAG_PROPERTIES, location, spec) : wrong('a tag');
    case 'array':
      if (!Array.isArray(value)) return wrong('a list');
      return value.flatMap((item, index) => checkValue(item, type.element, `${location}/${index}`, spec));
    case 'map':
      if (!isPlainObject(value)) return wrong('a map');
      return Object.entries(value).flatMap(([key, item]) =>
        checkValue(item, type.element, `${location}/${key}`, spec),
      );
    case 'ref': {
      const definition = spec.typeDefinitions.get(type.reference.$ref);
      if (!definition) return [];
      return isPlainObject(value)
        ? checkObject(value, definition.properties, location, spec)
        : wrong(definition.name);
    }
    case 'union': {
      // Valid if any member type accepts it; otherwise report the member that came closest.
      const attempts = type.types.map((member) => checkValue(value, member, location, spec));
      if (attempts.some((findings) => findings.length === 0)) return [];
      return attempts.reduce((best, findings) => (findings.length < best.length ? findings : best));
    }
  }
}

/** `Ref`s must name a resource, parameter or pseudo parameter; `Fn::GetAtt`s an attribute of the type. */
function checkReferences(template: Template, spec: CloudFormationSpec, problems: SpecProblem[]): void {
  const resources = template.Resources ?? {};
  const parameters = template.Parameters ?? {};
  const visit = (value: unknown, logicalId: string, location: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(item, logicalId, `${location}/${index}`);
      });
      return;
    }
    if (!isPlainObject(value)) return;
    const ref = value.Ref;
    if (
      typeof ref === 'string' &&
      !(ref in resources) &&
      !(ref in parameters) &&
      !PSEUDO_PARAMETERS.has(ref)
    ) {
      problems.push({ logicalId, location, message: `Ref to unknown ${ref}` });
    }
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') {
      const [target, attribute] = getAtt as [string, string];
      const targetType = String(resources[target]?.Type ?? '');
      const definition = spec.resources.get(targetType);
      if (!resources[target]) {
        problems.push({ logicalId, location, message: `Fn::GetAtt of unknown resource ${target}` });
      } else if (definition && !isCustomResource(targetType) && !(attribute in definition.attributes)) {
        problems.push({
          logicalId,
          location,
          message: `${targetType} has no attribute ${attribute} (has: ${Object.keys(definition.attributes).join(', ')})`,
        });
      }
    }
    for (const [key, child] of Object.entries(value)) visit(child, logicalId, `${location}/${key}`);
  };
  for (const [logicalId, resource] of Object.entries(resources)) visit(resource, logicalId, '');
}

function isCustomResource(type: string): boolean {
  return (
    type.startsWith('Custom::') ||
    type === 'AWS::CloudFormation::CustomResource' ||
    type === 'AWS::CDK::Metadata'
  );
}

function isIntrinsic(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || (keys[0] as string).startsWith('Fn::'));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * The check as a CDK validation plugin: registered with `Validations.of(app).addPlugins`, it runs on every
 * `cdk synth` next to cdk-nag, and any problem fails the synthesis.
 */
export class CloudFormationSpecCheck implements IPolicyValidationPlugin {
  public readonly name = 'cloudformation-spec';
  public readonly version = '1.0.0';
  public readonly ruleIds = ['CFN-SPEC'];

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const spec = loadCloudFormationSpec();
    const byMessage = new Map<string, PolicyViolation>();
    for (const templatePath of context.templatePaths) {
      const template = JSON.parse(readFileSync(templatePath, 'utf8')) as Template;
      for (const problem of checkTemplate(template, spec)) {
        const key = `${problem.message}`;
        const violation = byMessage.get(key) ?? {
          ruleName: 'CFN-SPEC',
          description: `Not valid against the CloudFormation resource specification: ${problem.message}`,
          fix: `Compare with the resource type's schema (source: ${spec.source})`,
          violatingResources: [],
          severity: 'error',
        };
        (violation.violatingResources as unknown[]).push({
          resourceLogicalId: problem.logicalId,
          templatePath,
          locations: [problem.location],
        });
        byMessage.set(key, violation);
      }
    }
    const violations = [...byMessage.values()];
    return { success: violations.length === 0, violations };
  }
}
