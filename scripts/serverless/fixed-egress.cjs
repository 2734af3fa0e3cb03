// Fixed egress, opt-in (`--param fixedEgress=true`, serverless.yml custom.fixedEgress): adds the VPC,
// its subnets, the NAT gateway and its Elastic IP (resources/fixed-egress.yml) and puts the listed
// functions in the private subnets. Off, nothing is added: no VPC resource in the template at all.
// Runs before the functions are compiled, so their VpcConfig (and serverless-iam-roles-per-function's
// VPC access policy for their roles) follow from `vpc` as if it were written in functions/*.yml.
/** What Lambda needs to attach a function to its subnets (the managed policy's EC2 part). */
const NETWORK_INTERFACE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

class FixedEgress {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:package:initialize': () => this.apply(),
      // After serverless-iam-roles-per-function (listed before this plugin in serverless.yml).
      'before:package:finalize': () => this.narrowVpcAccess(),
    };
  }

  /**
   * serverless-iam-roles-per-function gives a VPC function's role the managed
   * AWSLambdaVPCAccessExecutionRole, which also grants logs:* on every log group. Its network
   * interface actions instead, inline: EC2 takes no resource narrower than `*` for the Describe
   * calls, so this is the one statement with `Resource: '*'`.
   */
  narrowVpcAccess() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    for (const role of Object.values(resources)) {
      if (role.Type !== 'AWS::IAM::Role') continue;
      const managed = role.Properties.ManagedPolicyArns ?? [];
      const vpcPolicy = managed.findIndex((arn) => JSON.stringify(arn).includes('AWSLambdaVPCAccessExecutionRole'));
      if (vpcPolicy < 0) continue;
      managed.splice(vpcPolicy, 1);
      role.Properties.Policies[0].PolicyDocument.Statement.push({
        Effect: 'Allow',
        Action: NETWORK_INTERFACE_ACTIONS,
        Resource: '*',
      });
    }
  }

  apply() {
    const { service } = this.serverless;
    const settings = service.custom?.fixedEgress ?? {};
    const enabled = String(settings.enabled ?? 'false');
    if (enabled !== 'true' && enabled !== 'false') {
      throw new this.serverless.classes.Error(`fixedEgress must be true or false, not ${JSON.stringify(enabled)}`);
    }
    if (enabled !== 'true') return;
    const { Resources = {}, Outputs = {} } = settings.resources ?? {};
    service.resources ??= {};
    service.resources.Resources = { ...service.resources.Resources, ...Resources };
    service.resources.Outputs = { ...service.resources.Outputs, ...Outputs };
    for (const name of settings.functions ?? []) {
      const fn = service.getFunction(name);
      fn.vpc = {
        securityGroupIds: [{ Ref: 'EgressSecurityGroup' }],
        subnetIds: [{ Ref: 'EgressPrivateSubnetA' }, { Ref: 'EgressPrivateSubnetB' }],
      };
    }
  }
}

module.exports = FixedEgress;
