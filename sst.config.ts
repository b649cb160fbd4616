/// <reference path="./.sst/platform/config.d.ts" />

/**
 * DRS Orchestrator on AWS: tables, step functions, the recovery and drill cleanup state machines, EventBridge
 * triggers, the MCP endpoint and monitoring, per stage. Settings per stage come from
 * stacks/stages/<stage>.json (optional); `prod` is retained and protected.
 */
export default $config({
  app(input) {
    const production = input?.stage === "prod";
    return {
      name: "drs-orchestrator",
      home: "aws",
      removal: production ? "retain" : "remove",
      protect: production,
      providers: { aws: "7.20.0" },
    };
  },
  async run() {
    const { loadStageSettings } = await import("./stacks/config");
    const { physicalName } = await import("./stacks/names");
    const { storage } = await import("./stacks/storage");
    const { functions } = await import("./stacks/functions");
    const { workflows } = await import("./stacks/workflows");
    const { triggers } = await import("./stacks/triggers");
    const { mcpEndpoint, mcpFunctionAuth } = await import("./stacks/mcp");
    const { monitoring } = await import("./stacks/monitoring");
    const { resolveReplicationTargets } = await import("./stacks/replication");
    const { mcpEndpointPlan, mcpFunctionEnvironment } = await import("./packages/app/src/infra");
    const { RULES } = await import("./packages/app/src/resources/rules");

    const { config, plans } = await loadStageSettings($app.stage);
    const identity = await aws.getCallerIdentity();
    const { region } = await aws.getRegion();
    const { partition } = await aws.getPartition();
    const scope = $util.output({ partition, region, accountId: identity.accountId });

    const tables = storage();
    // Named like the local runtime's bus; `plan apply` names schedule rules after it.
    const bus = new sst.aws.Bus("Bus", { transform: { bus: { name: `drs-orchestrator-${$app.stage}` } } });
    const machineArn = (name: string) =>
      `arn:${partition}:states:${region}:${identity.accountId}:stateMachine:${physicalName(name)}`;
    const recoveryName = physicalName("recovery");
    const recoveryStateMachineArn = machineArn("recovery");
    const cleanupName = physicalName("drill-cleanup");
    const cleanupStateMachineArn = machineArn("drill-cleanup");

    const mcpPlan = mcpEndpointPlan(config.mcp);
    const mcpEnvironment = mcpFunctionAuth(mcpPlan).apply((auth) =>
      mcpFunctionEnvironment(auth, config.mcp.recoveryAllowedPlans),
    );
    const deployed = functions({
      config,
      scope,
      tables,
      bus,
      recoveryStateMachineArn: $util.output(recoveryStateMachineArn),
      cleanupStateMachineArn: $util.output(cleanupStateMachineArn),
      stateMachineArns: $util.output([recoveryStateMachineArn, cleanupStateMachineArn]),
      ownEnvironment: { mcp: mcpEnvironment },
    });
    const { recovery, cleanup } = workflows({ config, functions: deployed, recoveryName, cleanupName });

    const alertTopic = new aws.sns.Topic("Alerts", { name: physicalName("alerts") });
    for (const [i, email] of config.alertEmails.entries()) {
      new aws.sns.TopicSubscription(`AlertEmail${i}`, {
        topic: alertTopic.arn,
        protocol: "email",
        endpoint: email,
      });
    }

    const wired = triggers({
      bus,
      functions: deployed,
      rules: RULES,
      alertTopic,
      scope,
      planHealthMinutes: config.planHealthMinutes,
    });

    const mcpFunction = deployed.get("mcp");
    const mcpUrl = mcpFunction ? mcpEndpoint(mcpFunction, mcpPlan) : undefined;

    const dashboard = monitoring({
      config,
      alertTopic,
      functions: deployed,
      recovery,
      cleanup,
      deadLetterQueue: wired.deadLetterQueue,
      plans,
      replication: await resolveReplicationTargets(plans, region),
      ...(mcpFunction && { mcpFunction }),
    });

    return {
      region,
      plansTable: tables.plans.name,
      executionsTable: tables.executions.name,
      recoveryStateMachineArn: recovery.arn,
      cleanupStateMachineArn: cleanup.arn,
      eventBusName: bus.name,
      startRecoveryFunctionArn: deployed.get("start-recovery")?.fn.arn,
      alertTopicArn: alertTopic.arn,
      dashboard: $interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboard.dashboardName}`,
      mcpUrl: mcpUrl ?? "not deployed: no mcp function in FUNCTIONS yet",
      triggerRules: wired.deployed.join(", "),
      triggerRulesWaiting: wired.waiting
        .map((w) => `${w.rule} (needs function ${w.targetFunction})`)
        .join(", "),
    };
  },
});
