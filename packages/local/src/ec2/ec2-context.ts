import type { SimClock } from "../clock/sim-clock";
import type { LoadedFleet } from "../fleet/fleet-loader";
import type { InstanceStore } from "./instance-store";
import type { LaunchTemplateStore } from "./launch-template-store";
import type { QueryParams } from "./query-request";
import type { XmlObject } from "./xml-writer";

export interface Ec2Context {
  accountId: string;
  clock: SimClock;
  templates: LaunchTemplateStore;
  instances: InstanceStore;
  /** The recovery network (subnets, security groups) the instances launch into; drift removes from it. */
  fleet: LoadedFleet;
}

/** One EC2 action: parsed params in, the response's elements (after requestId) out. */
export type Ec2Action = (context: Ec2Context, params: QueryParams) => XmlObject;
