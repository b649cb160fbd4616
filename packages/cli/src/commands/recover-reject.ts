import { decisionCommand } from "./recover-decision";

export const command = decisionCommand("REJECT");
