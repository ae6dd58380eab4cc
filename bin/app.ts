// The CDK app of fleetpdf's cloud shape: one stack, checked by cdk-nag's AwsSolutions pack.
// Context keys (cdk.json or `npx cdk deploy -c key=value`) are documented in lib/infra/options.ts.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FleetPdfStack } from '../lib/infra/fleetpdf-stack.js';
import { optionsFromContext } from '../lib/infra/options.js';

const app = new App();
const { stackName } = optionsFromContext(app.node);
new FleetPdfStack(app, stackName, { stackName });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
