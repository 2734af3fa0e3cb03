import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoSettings } from '../config/config';
import { requestHandlerOptions } from '../deadline/sdkClients';

/** A client for the pool; cognito-local takes any credentials. Short timeouts: a person waits on sign-in. */
export function cognitoClient(settings: Pick<CognitoSettings, 'endpoint'>, region: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region,
    maxAttempts: 2,
    requestHandler: requestHandlerOptions({ connectTimeoutMs: 2000, requestTimeoutMs: 5000 }),
    ...(settings.endpoint ? { endpoint: settings.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}
