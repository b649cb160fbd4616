/**
 * How a drill cleanup puts a server's launch settings back: the launch template default version
 * and the DRS launch configuration fields the drill changed, to what they were before it. Only
 * what still differs is changed, so a second cleanup changes nothing; a template whose default
 * someone moved on since the drill is left alone, with its server's launch configuration.
 */

/** What the drill recorded when it changed the server's settings. */
export interface DrillSettingsRecord {
  ec2LaunchTemplateID?: string;
  /** The template's default version before the drill. */
  previousDefaultVersion?: number;
  /** The version the drill made the default. */
  appliedVersion?: number;
  /** The DRS launch configuration fields the drill changed, with their values before it. */
  previousLaunchConfiguration?: Readonly<Record<string, unknown>>;
}

export interface CurrentSettings {
  /** The template's default version now; needed when the drill changed the template. */
  defaultVersion?: number;
  /** The server's DRS launch configuration now. */
  launchConfiguration: Readonly<Record<string, unknown>>;
}

export type SettingsRevert =
  | {
      action: "REVERT";
      /** Make this version the template's default again; absent when it already is. */
      defaultVersion?: number;
      /** Set these launch configuration fields back; empty when they already are. */
      launchConfiguration: Record<string, unknown>;
    }
  | { action: "SKIP"; reason: string };

/** True when the drill recorded a change to revert. */
export function drillChangedSettings(record: DrillSettingsRecord | undefined): record is DrillSettingsRecord {
  return (
    record !== undefined &&
    (record.previousDefaultVersion !== undefined ||
      Object.keys(record.previousLaunchConfiguration ?? {}).length > 0)
  );
}

export function planSettingsRevert(record: DrillSettingsRecord, current: CurrentSettings): SettingsRevert {
  const previous = record.previousDefaultVersion;
  let defaultVersion: number | undefined;
  if (previous !== undefined && current.defaultVersion !== previous) {
    const movedOn =
      record.appliedVersion !== undefined &&
      current.defaultVersion !== undefined &&
      current.defaultVersion !== record.appliedVersion;
    if (movedOn) {
      return {
        action: "SKIP",
        reason:
          `launch template ${record.ec2LaunchTemplateID ?? "(unknown)"} defaults to version ${current.defaultVersion}, ` +
          `not the drill's version ${record.appliedVersion}: changed after the drill, left as it is`,
      };
    }
    defaultVersion = previous;
  }
  const launchConfiguration: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record.previousLaunchConfiguration ?? {})) {
    if (value === undefined) continue;
    if (!sameValue(current.launchConfiguration[field], value)) launchConfiguration[field] = value;
  }
  return {
    action: "REVERT",
    ...(defaultVersion !== undefined && { defaultVersion }),
    launchConfiguration,
  };
}

/** Deep equality for launch configuration values (booleans, strings, `licensing` objects). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const aKeys = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const bKeys = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  return (
    aKeys.length === bKeys.length &&
    aKeys.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}
