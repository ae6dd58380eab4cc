// The CDK app (the cloud shape of fleetpdf) is built on the same core as the local
// pipeline; until the AWS stack lands it synthesizes nothing.
console.error('fleetpdf: the AWS stack is not part of this version yet; use `npm start` for the local pipeline');
process.exitCode = 1;
