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

/** Checks one template; returns every problem found (none for a valid template). */
export function checkTemplate(template: Template, spec: CloudFormationSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const resources = template.Resources ?? {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    const type = String(resource.Type);
    const report = (location: string, message: string) => problems.push({ logicalId, location, message });
    if (isCustomResource(type)) continue;
    const definition = spec.resources.get(type);
    if (!definition) {
      report('Type', `unknown resource type ${type}`);
      continue;
    }
    const properties = resource.Properties ?? {};
    if (!isPlainObject(properties)) {
      report('Properties', 'must be an object');
      continue;
    }
    checkObject(properties, definition.properties, 'Properties', spec, report);
  }
  checkReferences(template, spec, problems);
  return problems;
}

function checkObject(
  value: Record<string, unknown>,
  properties: Readonly<Record<string, SpecProperty>>,
  location: string,
  spec: CloudFormationSpec,
  report: (location: string, message: string) => void,
): void {
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && !(name in value)) report(`${location}/${name}`, 'required property is missing');
  }
  for (const [name, child] of Object.entries(value)) {
    const property = properties[name];
    if (!property) {
      report(`${location}/${name}`, `unknown property (known: ${Object.keys(properties).join(', ')})`);
      continue;
    }
    checkValue(child, property.type, `${location}/${name}`, spec, report);
  }
}

function checkValue(
  value: unknown,
  type: SpecType,
  location: string,
  spec: CloudFormationSpec,
  report: (location: string, message: string) => void,
): void {
  if (isIntrinsic(value)) return;
  switch (type.type) {
    case 'json':
      return;
    case 'string':
    case 'date-time':
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        return report(location, `expected a string, got ${describe(value)}`);
      }
      if (type.type === 'string' && type.allowedValues && !type.allowedValues.includes(String(value))) {
        return report(location, `${JSON.stringify(value)} is not one of ${type.allowedValues.join(', ')}`);
      }
      return;
    case 'integer':
    case 'number':
      if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))) {
        if (type.type === 'integer' && !Number.isInteger(Number(value))) report(location, `expected an integer, got ${value}`);
        return;
      }
      return report(location, `expected a number, got ${describe(value)}`);
    case 'boolean':
      if (typeof value === 'boolean' || value === 'true' || value === 'false') return;
      return report(location, `expected a boolean, got ${describe(value)}`);
    case 'null':
      if (value !== null) report(location, `expected null, got ${describe(value)}`);
      return;
    case 'tag':
      if (!isPlainObject(value)) return report(location, `expected a tag, got ${describe(value)}`);
      return checkObject(
        value,
        { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } },
        location,
        spec,
        report,
      );
    case 'array':
      if (!Array.isArray(value)) return report(location, `expected a list, got ${describe(value)}`);
      value.forEach((item, index) => {
        checkValue(item, type.element, `${location}/${index}`, spec, report);
      });
      return;
    case 'map':
      if (!isPlainObject(value)) return report(location, `expected a map, got ${describe(value)}`);
      for (const [key, item] of Object.entries(value)) checkValue(item, type.element, `${location}/${key}`, spec, report);
      return;
    case 'ref': {
      const definition = spec.typeDefinitions.get(type.reference.$ref);
      if (!definition) return;
      if (!isPlainObject(value)) return report(location, `expected ${definition.name}, got ${describe(value)}`);
      return checkObject(value, definition.properties, location, spec, report);
    }
    case 'union': {
      const attempts = type.types.map((member) => {
        const found: string[] = [];
        checkValue(value, member, location, spec, (at, message) => found.push(`${at}: ${message}`));
        return found;
      });
      if (attempts.some((found) => found.length === 0)) return;
      const best = attempts.reduce((a, b) => (b.length < a.length ? b : a));
      for (const problem of best) {
        const at = problem.indexOf(': ');
        report(problem.slice(0, at), problem.slice(at + 2));
      }
      return;
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
    if (typeof ref === 'string' && !(ref in resources) && !(ref in parameters) && !PSEUDO_PARAMETERS.has(ref)) {
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
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource' || type === 'AWS::CDK::Metadata';
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
