#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { composeLanternApp } from '../lantern-app.ts';
import { SettingsError } from '../lib/settings.ts';

const app = new App();
try {
  composeLanternApp(app);
} catch (error) {
  // A wrong setting is the operator's to fix: the message says how; a stack trace would bury it.
  if (!(error instanceof SettingsError)) throw error;
  console.error(`Lantern: ${error.message}`);
  process.exit(1);
}
