import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** A CloudFormation resource as `serverless package` writes it. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: unknown;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
  Conditions?: Record<string, unknown>;
}
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

/**
 * `serverless package` as deployment runs it (serverless-esbuild bundles every function), into a
 * directory of its own, with `env` on top of this process's environment and `params` as `--param`s;
 * the template it would deploy, and how long packaging took.
 */
export async function packageTemplate(opts: {
  stage: string;
  env?: Record<string, string>;
  params?: Record<string, string>;
}): Promise<{ template: CfnTemplate; ms: number }> {
  const out = mkdtempSync(join(tmpdir(), 'sls-package-'));
  const args = ['node_modules/serverless/bin/serverless.js', 'package', '--stage', opts.stage, '--package', out];
  for (const [k, v] of Object.entries(opts.params ?? {})) args.push('--param', `${k}=${v}`);
  const started = Date.now();
  try {
    await new Promise<void>((done, fail) =>
      execFile(
        process.execPath,
        args,
        {
          cwd: ROOT,
          env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1', ...opts.env },
          maxBuffer: 16 * 1024 * 1024,
        },
        (err, stdout, stderr) => (err ? fail(new Error(`serverless package failed: ${err.message}\n${stdout}\n${stderr}`)) : done()),
      ),
    );
    const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as CfnTemplate;
    return { template, ms: Date.now() - started };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function resourcesOfType(t: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

/** The statements of a role's inline policies. */
export function roleStatements(role: CfnResource): Statement[] {
  const policies = (role.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** The logical id a `Fn::GetAtt` / `Ref` names, if the value is one. */
export function referenced(value: unknown): string | undefined {
  const v = value as { 'Fn::GetAtt'?: [string, string]; Ref?: string } | null;
  return v?.['Fn::GetAtt']?.[0] ?? v?.Ref;
}
