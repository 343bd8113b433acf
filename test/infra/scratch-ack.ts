import { App, Validations } from 'aws-cdk-lib';
import { composeLanternApp } from '../../infra/lantern-app.ts';
const app = new App({ outdir: '/tmp/cdkout-x', context: { 'aws:cdk:bundling-stacks': [] } });
composeLanternApp(app);
for (const c of app.node.findAll()) for (const m of c.node.metadata) if (m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) console.log(c.node.path, JSON.stringify(m.data));
