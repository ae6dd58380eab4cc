import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/core/errors.js';
import { createOpsClients, type OpsClients } from '../../lib/ops/aws-clients.js';
import { StackOutput } from '../../lib/contracts/index.js';
import { defaultStackName, readStackOutputs } from '../../lib/ops/stack-outputs.js';
import { useEmulators } from '../emulators/aws-env.js';
import { opsFixture, type OpsFixture } from './helpers.js';

useEmulators();

describe('stack outputs', () => {
  describe('the default stack name', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'fleetpdf-stack-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is $FLEETPDF_STACK, else stackName in ./cdk.json, else FleetPdf', () => {
      expect(defaultStackName(dir, {})).toBe('FleetPdf');
      writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'npx tsx bin/app.ts', context: { stackName: 'FleetPdfProd' } }));
      expect(defaultStackName(dir, {})).toBe('FleetPdfProd');
      expect(defaultStackName(dir, { FLEETPDF_STACK: 'FromEnv' })).toBe('FromEnv');
      writeFileSync(join(dir, 'cdk.json'), '{ not json');
      expect(defaultStackName(dir, {})).toBe('FleetPdf');
    });
  });

  describe('DescribeStacks (CloudFormation stand-in, real client)', () => {
    let fx: OpsFixture;
    let clients: OpsClients;
    beforeAll(async () => {
      fx = await opsFixture('ops-stack');
      clients = createOpsClients();
    });
    afterAll(async () => {
      clients?.destroy();
      await fx?.close();
    });

    it('gives the outputs by id', async () => {
      const outputs = await readStackOutputs(clients.cloudformation, fx.stackName);
      expect(outputs.get(StackOutput.BUCKET_NAME)).toBe(fx.resources.bucket);
      expect(outputs.get(StackOutput.DLQ_URL)).toBe(fx.resources.dlqUrl);
      expect(fx.cloudformation.calls.at(-1)).toMatchObject({ action: 'DescribeStacks', params: { StackName: fx.stackName } });
    });

    it('names a missing stack and the region in one line', async () => {
      const error = await readStackOutputs(clients.cloudformation, 'NoSuchStack').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toBe('stack NoSuchStack not found in us-east-1: deploy it (npx cdk deploy), or pass --stack NAME / --region');
    });

    it('names a missing output (a half-deployed or foreign stack)', async () => {
      fx.cloudformation.putStack({ name: 'Foreign', status: 'ROLLBACK_COMPLETE', outputs: { BucketName: 'b' } });
      const outputs = await readStackOutputs(clients.cloudformation, 'Foreign');
      expect(() => outputs.get(StackOutput.STATE_MACHINE_ARN)).toThrow(
        'stack Foreign (ROLLBACK_COMPLETE) has no output StateMachineArn: is it a fleetpdf stack, fully deployed? (npx cdk deploy)',
      );
    });
  });
});
