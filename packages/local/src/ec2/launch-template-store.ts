import { Ec2Error } from "./ec2-error";
import { type LaunchTemplateData, mergeLaunchTemplateData } from "./launch-template-data";

export interface LaunchTemplateVersionRecord {
  versionNumber: number;
  versionDescription?: string;
  createTimeMs: number;
  createdBy: string;
  data: LaunchTemplateData;
}

export interface LaunchTemplateRecord {
  launchTemplateId: string;
  launchTemplateName: string;
  createTimeMs: number;
  createdBy: string;
  defaultVersion: number;
  tags: Record<string, string>;
  versions: LaunchTemplateVersionRecord[];
  /** CreateLaunchTemplateVersion ClientToken → version it created, so a retried call creates nothing new. */
  clientTokens: Map<string, number>;
}

const TEMPLATE_ID = /^lt-[0-9a-f]{17}$/;

/** The launch templates of the account and the EC2 rules for their versions. */
export class LaunchTemplateStore {
  private readonly byId = new Map<string, LaunchTemplateRecord>();

  constructor(templates: LaunchTemplateRecord[]) {
    for (const template of templates) this.byId.set(template.launchTemplateId, template);
  }

  all(): LaunchTemplateRecord[] {
    return [...this.byId.values()];
  }

  /**
   * The template a request names by ID or by name.
   * @throws Ec2Error InvalidLaunchTemplateId.Malformed / .NotFound, InvalidLaunchTemplateName.NotFoundException,
   *   MissingParameter when neither is given
   */
  find(reference: { LaunchTemplateId?: string; LaunchTemplateName?: string }): LaunchTemplateRecord {
    const { LaunchTemplateId: id, LaunchTemplateName: name } = reference;
    if (id !== undefined && name !== undefined) {
      throw new Ec2Error(
        "InvalidParameterCombination",
        "The parameters LaunchTemplateId and LaunchTemplateName cannot be used together; pass one of them",
      );
    }
    if (id !== undefined) return this.findById(id);
    if (name !== undefined) {
      const template = this.all().find((candidate) => candidate.launchTemplateName === name);
      if (!template) {
        throw new Ec2Error(
          "InvalidLaunchTemplateName.NotFoundException",
          `The specified launch template, with template name ${name}, does not exist.`,
        );
      }
      return template;
    }
    throw new Ec2Error(
      "MissingParameter",
      "The request must contain the parameter LaunchTemplateId or LaunchTemplateName",
    );
  }

  findById(id: string): LaunchTemplateRecord {
    if (!TEMPLATE_ID.test(id)) {
      throw new Ec2Error(
        "InvalidLaunchTemplateId.Malformed",
        `The specified launch template ID ${id} is malformed.`,
      );
    }
    const template = this.byId.get(id);
    if (!template) {
      throw new Ec2Error(
        "InvalidLaunchTemplateId.NotFound",
        `The specified launch template, with template ID ${id}, does not exist.`,
      );
    }
    return template;
  }

  /**
   * A version by number or alias (`$Default`, `$Latest`).
   * @throws Ec2Error InvalidLaunchTemplateId.VersionNotFound, InvalidParameterValue for text that is no version
   */
  version(template: LaunchTemplateRecord, version: string | number): LaunchTemplateVersionRecord {
    const number = versionNumber(template, version);
    const record = template.versions.find((candidate) => candidate.versionNumber === number);
    if (!record) {
      throw new Ec2Error(
        "InvalidLaunchTemplateId.VersionNotFound",
        `Could not find launch template version ${version} for launch template ${template.launchTemplateId}.`,
      );
    }
    return record;
  }

  createVersion(
    template: LaunchTemplateRecord,
    request: {
      sourceVersion?: string;
      data: LaunchTemplateData;
      description?: string;
      clientToken?: string;
      createdBy: string;
      nowMs: number;
    },
  ): LaunchTemplateVersionRecord {
    const earlier = request.clientToken ? template.clientTokens.get(request.clientToken) : undefined;
    if (earlier !== undefined) return this.version(template, earlier);
    const source =
      request.sourceVersion === undefined ? {} : this.version(template, request.sourceVersion).data;
    const record: LaunchTemplateVersionRecord = {
      versionNumber: Math.max(...template.versions.map((version) => version.versionNumber)) + 1,
      versionDescription: request.description,
      createTimeMs: request.nowMs,
      createdBy: request.createdBy,
      data: mergeLaunchTemplateData(source, request.data),
    };
    template.versions.push(record);
    if (request.clientToken) template.clientTokens.set(request.clientToken, record.versionNumber);
    return record;
  }

  setDefaultVersion(template: LaunchTemplateRecord, version: string): void {
    template.defaultVersion = this.version(template, version).versionNumber;
  }

  delete(template: LaunchTemplateRecord): void {
    this.byId.delete(template.launchTemplateId);
  }

  latestVersion(template: LaunchTemplateRecord): number {
    return Math.max(...template.versions.map((version) => version.versionNumber));
  }
}

function versionNumber(template: LaunchTemplateRecord, version: string | number): number {
  if (version === "$Default") return template.defaultVersion;
  if (version === "$Latest") return Math.max(...template.versions.map((record) => record.versionNumber));
  if (typeof version === "number") return version;
  if (!/^\d+$/.test(version)) {
    throw new Ec2Error(
      "InvalidParameterValue",
      `Value (${version}) for parameter version is invalid. Expected a version number, $Latest or $Default.`,
    );
  }
  return Number(version);
}
