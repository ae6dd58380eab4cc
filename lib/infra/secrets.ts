import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface SecretsProps {
  /**
   * Use this existing secret (by name) instead of creating one. It must hold
   * `{"username": ..., "password": ...}`.
   * @default - the stack creates a secret with username `CHANGE_ME` and a generated password
   */
  readonly existingSecretName?: string;
}

/**
 * The portal credentials in Secrets Manager. They never go into environment variables or
 * logs: a function gets the secret's ARN or name in `CREDENTIALS_SECRET` and the right to
 * read it.
 */
export class Secrets extends Construct {
  /** The credentials secret. */
  readonly credentials: ISecret;
  /** True when this stack created (and owns) the secret. */
  readonly created: boolean;
  /** What to put into `CREDENTIALS_SECRET`: the created secret's ARN, or the given name. */
  readonly secretId: string;
  /** The secret's name, for the operator (`aws secretsmanager put-secret-value --secret-id <name>`). */
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: SecretsProps = {}) {
    super(scope, id);
    if (props.existingSecretName) {
      this.credentials = Secret.fromSecretNameV2(this, 'Credentials', props.existingSecretName);
      this.created = false;
      this.secretId = props.existingSecretName;
      this.secretName = props.existingSecretName;
      return;
    }
    const secret = new Secret(this, 'Credentials', {
      description: 'fleetpdf portal credentials {"username","password"}: set the real values after the first deploy',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'CHANGE_ME' }),
        generateStringKey: 'password',
        passwordLength: 32,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret holds a third-party dealer portal account; its password can only be changed on the portal, so ' +
        'Secrets Manager rotation cannot rotate it. The operator updates the secret when the portal password changes.',
    });
    this.credentials = secret;
    this.created = true;
    this.secretId = secret.secretArn;
    this.secretName = secret.secretName;
  }

  /** secretsmanager:GetSecretValue and DescribeSecret on the credentials secret only. */
  grantRead(grantee: IGrantable): Grant {
    return this.credentials.grantRead(grantee);
  }
}
