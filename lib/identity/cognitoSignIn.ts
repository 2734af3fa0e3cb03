import {
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { ok, unavailable, type Result } from '../result';
import { cognitoFailure } from './cognitoErrors';
import type { IssuedTokens, SignInService, SignInStep } from './sessions';

interface AuthAnswer {
  AuthenticationResult?: AuthenticationResultType;
  ChallengeName?: string;
  Session?: string;
}

function stepOf(out: AuthAnswer): Result<SignInStep> {
  if (out.AuthenticationResult?.IdToken)
    return ok({ tokens: { idToken: out.AuthenticationResult.IdToken, refreshToken: out.AuthenticationResult.RefreshToken } });
  if (out.ChallengeName === 'NEW_PASSWORD_REQUIRED' && out.Session) return ok({ challenge: 'NEW_PASSWORD_REQUIRED', session: out.Session });
  // MFA is optional in the pool but nobody can enrol through this API yet, so no other challenge is expected.
  return unavailable(`the user pool asked for ${out.ChallengeName ?? 'nothing usable'}, which this API does not answer`);
}

/** The app client's sign-in flows: USER_PASSWORD_AUTH, the new-password challenge, REFRESH_TOKEN_AUTH. */
export function cognitoSignIn(client: CognitoIdentityProviderClient, clientId: string): SignInService {
  return {
    async passwordSignIn(username, password) {
      try {
        return stepOf(
          await client.send(
            new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
          ),
        );
      } catch (err) {
        return cognitoFailure(err, 'sign-in');
      }
    },
    async answerNewPassword({ username, session, newPassword }) {
      try {
        const out = await client.send(
          new RespondToAuthChallengeCommand({
            ClientId: clientId,
            ChallengeName: 'NEW_PASSWORD_REQUIRED',
            Session: session,
            ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
          }),
        );
        return stepOf(out);
      } catch (err) {
        return cognitoFailure(err, 'new-password');
      }
    },
    async refresh(refreshToken): Promise<Result<IssuedTokens>> {
      try {
        const out = await client.send(
          new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } }),
        );
        const idToken = out.AuthenticationResult?.IdToken;
        return idToken
          ? ok({ idToken, refreshToken: out.AuthenticationResult?.RefreshToken })
          : unavailable('the user pool answered a refresh without an id token');
      } catch (err) {
        return cognitoFailure(err, 'refresh');
      }
    },
  };
}
