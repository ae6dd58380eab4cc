// The CDK app of fleetpdf's cloud shape: one stack, checked by cdk-nag's AwsSolutions pack.
// Context keys (cdk.json or `npx cdk deploy -c key=value`) are documented in lib/infra/options.ts.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FleetPdfStack } from '../lib/infra/fleetpdf-stack.js';
import { optionsFromContext } from '../lib/infra/options.js';
import { isProfileFile, loadProfile } from '../lib/profiles/load.js';

const app = new App();
const { stackName, profile } = optionsFromContext(app.node);
// A profile file (-c profile=./acme.ts) is checked before anything is bundled: a typo is one line here, not a failing Lambda.
if (isProfileFile(profile)) {
  try {
    await loadProfile(profile);
  } catch (error) {
    // The message names the file and the field: "profile ./acme.ts: login.path: ...".
    process.stderr.write(`fleetpdf: bad CDK context value: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
new FleetPdfStack(app, stackName, { stackName });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
