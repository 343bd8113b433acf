#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { composeLanternApp } from '../lantern-app.ts';

const app = new App();
composeLanternApp(app);
