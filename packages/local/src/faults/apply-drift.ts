import type { Ec2Emulator } from "../ec2/ec2-emulator";
import type { IamEmulator } from "../iam/iam-emulator";
import type { ParsedDriftOptions } from "./drift-options";

/**
 * Makes the drift on the running emulators, as someone working in the console would.
 * @throws Error naming the first resource or server that does not exist
 */
export function applyDrift(
  drift: ParsedDriftOptions,
  emulators: { ec2: Ec2Emulator; iam: IamEmulator },
): void {
  const { ec2, iam } = emulators;
  const named = (what: string, run: () => void) => {
    try {
      run();
    } catch (error) {
      throw new Error(`drift: ${what}: ${(error as Error).message}`);
    }
  };
  for (const id of drift.deleteSubnets ?? []) named(`deleteSubnets ${id}`, () => ec2.deleteSubnet(id));
  for (const id of drift.deleteSecurityGroups ?? [])
    named(`deleteSecurityGroups ${id}`, () => ec2.deleteSecurityGroup(id));
  for (const name of drift.deleteInstanceProfiles ?? [])
    named(`deleteInstanceProfiles ${name}`, () => iam.deleteInstanceProfile(name));
  for (const sourceServerId of drift.moveTemplateDefault ?? []) {
    named(`moveTemplateDefault ${sourceServerId}`, () => {
      const templateId = ec2.launchTemplateIdOf(sourceServerId);
      if (templateId === undefined) throw new Error(`source server ${sourceServerId} is not in the fleet`);
      ec2.createVersionByHand(templateId);
    });
  }
}
