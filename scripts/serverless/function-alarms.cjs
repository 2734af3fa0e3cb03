// Every function gets two alarms, errors and throttles, sent to the alarm topic: one declaration that
// covers the functions added later too (serverless.yml `custom.alarms`). And the topic's email
// subscription, only when an address is set (`--param alarmEmail=…`).
class FunctionAlarms {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.addAlarms() };
  }

  addAlarms() {
    const { service } = this.serverless;
    const settings = service.custom?.alarms ?? {};
    if (!settings.topic) throw new this.serverless.classes.Error('custom.alarms.topic: the logical id of the alarm topic');
    const naming = this.serverless.providers.aws.naming;
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    const topic = { Ref: settings.topic };
    for (const name of service.getAllFunctions()) {
      const fnId = naming.getLambdaLogicalId(name);
      const alarm = (metric, description) => ({
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmDescription: `${name}: ${description}`,
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [topic],
        },
      });
      resources[`${naming.getNormalizedFunctionName(name)}ErrorsAlarm`] = alarm('Errors', 'an invocation failed (an exception, a timeout, a failed batch)');
      resources[`${naming.getNormalizedFunctionName(name)}ThrottlesAlarm`] = alarm(
        'Throttles',
        'an invocation was throttled (reserved or account concurrency)',
      );
    }
    if (settings.email) {
      resources.AlarmEmailSubscription = {
        Type: 'AWS::SNS::Subscription',
        Properties: { TopicArn: topic, Protocol: 'email', Endpoint: settings.email },
      };
    }
  }
}

module.exports = FunctionAlarms;
