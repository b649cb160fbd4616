import type { DrsOperation } from "./drs-context";
import { paginate } from "./drs-pagination";
import {
  describeSourceServersRequest,
  getLaunchConfigurationRequest,
  parseRequest,
  updateLaunchConfigurationRequest,
} from "./drs-requests";
import { sourceServerView } from "./drs-views";

export const describeSourceServers: DrsOperation = (context, request) => {
  const { filters, ...page } = parseRequest(describeSourceServersRequest, request.body);
  let servers = [...context.state.servers.values()];
  if (filters?.sourceServerIDs?.length) {
    const wanted = new Set(filters.sourceServerIDs);
    servers = servers.filter((server) => wanted.has(server.fleet.sourceServerID));
  }
  const hardwareId = filters?.hardwareId;
  if (hardwareId) {
    servers = servers.filter((server) => {
      const properties = server.item.sourceProperties;
      const hints = properties?.identificationHints;
      return (
        hints?.awsInstanceID === hardwareId ||
        hints?.vmWareUuid === hardwareId ||
        properties?.networkInterfaces?.some((ni) => ni.macAddress === hardwareId)
      );
    });
  }
  if (filters?.stagingAccountIDs?.length) {
    const accounts = new Set(filters.stagingAccountIDs);
    servers = servers.filter((server) => accounts.has(server.item.stagingArea?.stagingAccountID ?? ""));
  }
  const result = paginate(servers, page, "DescribeSourceServers");
  return {
    body: {
      items: result.items.map((server) => sourceServerView(context, server)),
      nextToken: result.nextToken,
    },
  };
};

export const getLaunchConfiguration: DrsOperation = (context, request) => {
  const { sourceServerID } = parseRequest(getLaunchConfigurationRequest, request.body);
  return { body: structuredClone(context.state.requireServer(sourceServerID).launchConfiguration) };
};

/** Idempotent: fields the request leaves out keep their values. */
export const updateLaunchConfiguration: DrsOperation = (context, request) => {
  const { sourceServerID, licensing, ...changes } = parseRequest(
    updateLaunchConfigurationRequest,
    request.body,
  );
  const server = context.state.requireServer(sourceServerID);
  const configuration = server.launchConfiguration;
  for (const [field, value] of Object.entries(changes)) {
    if (value !== undefined) (configuration as Record<string, unknown>)[field] = structuredClone(value);
  }
  if (licensing) configuration.licensing = { ...configuration.licensing, ...licensing };
  return { body: structuredClone(configuration) };
};
