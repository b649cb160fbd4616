const GIB = 1024 ** 3;

/** m5 sizes by memory, the way DRS BASIC right-sizing matches a server's RAM. */
const BY_MEMORY: ReadonlyArray<[maxGib: number, instanceType: string]> = [
  [8, "m5.large"],
  [16, "m5.xlarge"],
  [32, "m5.2xlarge"],
  [64, "m5.4xlarge"],
  [128, "m5.8xlarge"],
  [192, "m5.12xlarge"],
  [256, "m5.16xlarge"],
];

/** The instance type DRS recommends for a server of this size, when the fleet does not say. */
export function recommendInstanceType(ramBytes: number | undefined): string {
  const gib = (ramBytes ?? 8 * GIB) / GIB;
  for (const [maxGib, instanceType] of BY_MEMORY) if (gib <= maxGib) return instanceType;
  return "m5.24xlarge";
}
