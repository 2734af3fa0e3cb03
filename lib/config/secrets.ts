/**
 * In AWS the secrets (app secret, token, EncodingAESKeys, admin token) live in SSM Parameter Store
 * as SecureStrings under SSM_PARAMETER_PATH, named like the environment variables. They are read
 * once per cold start and only when the environment does not already carry them (locally it does).
 */
const SECRET_NAMES = [
  'WECHAT_APPSECRET',
  'WECHAT_TOKEN',
  'WECHAT_ENCODING_AES_KEY',
  'WECHAT_PREVIOUS_ENCODING_AES_KEY',
  'ADMIN_TOKEN',
  'WECHAT_APPID',
  'WECHATPAY_MCHID',
  'WECHATPAY_MERCHANT_SERIAL',
  'WECHATPAY_PRIVATE_KEY',
  'WECHATPAY_PUBLIC_KEY_ID',
  'WECHATPAY_PUBLIC_KEY',
  'WECHATPAY_APIV3_KEY',
  'WECHATPAY_V2_KEY',
  'WECHATPAY_CLIENT_CERT',
];

export async function loadSecretsIntoEnv(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const path = env.SSM_PARAMETER_PATH;
  if (!path || env.WECHAT_TOKEN || env.IS_OFFLINE || env.NODE_ENV === 'test') return;
  const { SSMClient, GetParametersByPathCommand } = await import('@aws-sdk/client-ssm');
  const ssm = new SSMClient({});
  let next: string | undefined;
  do {
    const out = await ssm.send(new GetParametersByPathCommand({ Path: path, WithDecryption: true, NextToken: next }));
    for (const p of out.Parameters ?? []) {
      const name = p.Name?.slice(path.length);
      if (name && SECRET_NAMES.includes(name) && !env[name] && p.Value) env[name] = p.Value;
    }
    next = out.NextToken;
  } while (next);
}
