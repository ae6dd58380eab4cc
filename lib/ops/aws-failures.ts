import { CriticalError, FleetPdfError, firstLine, InputError, TransientError } from '../core/errors.js';

/** Service error names that mean "these credentials are not (or no longer) accepted". */
const REJECTED_CREDENTIALS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
]);

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError']);

/** A resource the stack's outputs name is not there (deleted by hand, or another account or region). */
const MISSING_RESOURCE = new Set(['NoSuchBucket', 'ResourceNotFoundException', 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * One line that says what to fix, for anything the AWS SDK throws at an operator: no
 * credentials or region (exit 2), credentials or permissions AWS refuses (exit 2), a resource
 * of the stack gone (exit 2), AWS out of reach (exit 3). fleetpdf's own errors pass through unchanged; anything else keeps the
 * service's error name and first line.
 */
export function describeAwsFailure(error: unknown, target: { profile?: string } = {}): FleetPdfError {
  if (error instanceof FleetPdfError) return error;
  const name = error instanceof Error ? error.name : '';
  const message = firstLine(error instanceof Error ? error.message : String(error));
  const code = (error as { code?: unknown } | null)?.code;

  if (name === 'CredentialsProviderError' || name === 'TokenProviderError' || /could not load credentials|could not resolve credentials/i.test(message)) {
    const whose = target.profile ? ` for profile ${target.profile}` : '';
    return new InputError(
      `no usable AWS credentials${whose} (${message.replace(/\.$/, '')}): run "aws configure" or "aws sso login", set AWS_PROFILE or use --profile`,
    );
  }
  if (/region is missing/i.test(message)) {
    return new InputError('no AWS region: pass --region, or set AWS_REGION or a region in your AWS profile');
  }
  if (REJECTED_CREDENTIALS.has(name)) {
    return new InputError(`AWS rejected the credentials (${name}: ${message}): refresh them ("aws sso login", new keys) or use another --profile`);
  }
  if (ACCESS_DENIED.has(name)) {
    return new InputError(`AWS denied the request (${name}: ${message}): these credentials lack a permission fleetpdf cloud needs`);
  }
  if (MISSING_RESOURCE.has(name)) {
    return new InputError(`a resource of the stack is missing (${name}: ${message}): check --stack / --region, or redeploy (npx cdk deploy)`);
  }
  if ((typeof code === 'string' && NETWORK_CODES.has(code)) || name === 'TimeoutError') {
    return new CriticalError(`cannot reach AWS (${typeof code === 'string' ? code : name}: ${message}): check the network or the endpoint settings`, 'unreachable');
  }
  return new TransientError(name && name !== 'Error' && !message.includes(name) ? `${name}: ${message}` : message, 'aws_error', { cause: error });
}
