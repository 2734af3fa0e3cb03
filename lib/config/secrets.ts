/**
 * In AWS the secrets live in SSM Parameter Store as SecureStrings under SSM_PARAMETER_PATH, named
 * like the environment variables, and nowhere else: serverless.yml never puts one in a function's
 * environment. Each function lists the ones it uses in SSM_PARAMETER_NAMES (functions/*.yml), and
 * its IAM role may read exactly those (`ssm:GetParameters` on their ARNs). They are read once per
 * cold start. Locally (npm start, tests) they come from the environment and SSM is never asked.
 */
export const SECRET_NAMES = [
  'WECHAT_APPSECRET',
  'WECHAT_TOKEN',
  'WECHAT_ENCODING_AES_KEY',
  'WECHAT_PREVIOUS_ENCODING_AES_KEY',
  'ADMIN_TOKEN',
  'WECHATPAY_MCHID',
  'WECHATPAY_MERCHANT_SERIAL',
  'WECHATPAY_PRIVATE_KEY',
  'WECHATPAY_PUBLIC_KEY_ID',
  'WECHATPAY_PUBLIC_KEY',
  'WECHATPAY_APIV3_KEY',
  'WECHATPAY_V2_KEY',
  'WECHATPAY_CLIENT_CERT',
] as const;

/** Reads SecureStrings by full name (decrypted); a name SSM does not have is left out of the answer. */
export type ReadParameters = (fullNames: string[]) => Promise<Record<string, string>>;

/** GetParameters takes at most 10 names a call. */
const PER_CALL = 10;

/** SSM_PARAMETER_NAMES: the parameters this function reads (comma-separated). */
export function parameterNamesOf(env: NodeJS.ProcessEnv): string[] {
  return (env.SSM_PARAMETER_NAMES ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
}

const ssmReader: ReadParameters = async (fullNames) => {
  const { SSMClient, GetParametersCommand } = await import('@aws-sdk/client-ssm');
  const ssm = new SSMClient({});
  const out: Record<string, string> = {};
  for (let i = 0; i < fullNames.length; i += PER_CALL) {
    const page = await ssm.send(new GetParametersCommand({ Names: fullNames.slice(i, i + PER_CALL), WithDecryption: true }));
    for (const p of page.Parameters ?? []) if (p.Name && p.Value) out[p.Name] = p.Value;
  }
  return out;
};

/**
 * The function's own parameters into `env`, those the environment lacks. Never locally
 * (serverless-offline, tests): there the environment is the only source.
 */
export async function loadSecretsIntoEnv(env: NodeJS.ProcessEnv = process.env, read: ReadParameters = ssmReader): Promise<void> {
  if (env.IS_OFFLINE || env.NODE_ENV === 'test') return;
  const missing = parameterNamesOf(env).filter((name) => !env[name]);
  if (missing.length === 0) return;
  const path = env.SSM_PARAMETER_PATH;
  if (!path) throw new Error('configuration: SSM_PARAMETER_NAMES needs SSM_PARAMETER_PATH');
  const found = await read(missing.map((name) => `${path}${name}`));
  for (const name of missing) {
    const value = found[`${path}${name}`];
    if (value) env[name] = value;
  }
}
