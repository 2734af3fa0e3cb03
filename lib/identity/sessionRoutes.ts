import { z } from 'zod';
import { respond } from '../http/respond';
import { withBody, type PublicRoute } from '../http/router';
import { chooseNewPassword, refreshSession, signIn, type SessionPorts } from './sessions';

const signInSchema = z.strictObject({ username: z.string().trim().min(1).max(128), password: z.string().min(1).max(256) });
const newPasswordSchema = z.strictObject({
  username: z.string().trim().min(1).max(128),
  session: z.string().min(1).max(4096),
  newPassword: z.string().min(1).max(256),
});
const refreshSchema = z.strictObject({ refreshToken: z.string().min(1).max(8192) });

/**
 * Signing in: the only admin routes callable without a principal (they make one). Each answers a
 * session `{ idToken, refreshToken, expiresAt, principal }`, or `{ challenge, session }`.
 */
export function sessionRoutes(ports: SessionPorts): PublicRoute[] {
  return [
    {
      method: 'POST',
      path: '/admin/session',
      public: true,
      run: (req) => withBody(signInSchema, req.body, async (credentials) => respond(await signIn(ports, credentials))),
    },
    {
      method: 'POST',
      path: '/admin/session/new-password',
      public: true,
      run: (req) => withBody(newPasswordSchema, req.body, async (answer) => respond(await chooseNewPassword(ports, answer))),
    },
    {
      method: 'POST',
      path: '/admin/session/refresh',
      public: true,
      run: (req) => withBody(refreshSchema, req.body, async ({ refreshToken }) => respond(await refreshSession(ports, refreshToken))),
    },
  ];
}
