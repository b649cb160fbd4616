import type { DrsContext, DrsOperation } from "./drs-context";
import { resourceNotFound, validationError } from "./drs-errors";
import { parseRequest, tagResourceRequest } from "./drs-requests";

function taggable(context: DrsContext, resourceArn: string | undefined): { tags?: Record<string, string> } {
  const resource = resourceArn ? context.state.taggable(resourceArn) : undefined;
  if (!resource) {
    throw resourceNotFound(`Resource ${resourceArn} does not exist`, resourceArn ?? "", "RESOURCE");
  }
  return resource;
}

export const listTagsForResource: DrsOperation = (context, _request, resourceArn) => ({
  body: { tags: { ...taggable(context, resourceArn).tags } },
});

export const tagResource: DrsOperation = (context, request, resourceArn) => {
  const { tags } = parseRequest(tagResourceRequest, request.body);
  const resource = taggable(context, resourceArn);
  const merged = { ...resource.tags, ...tags };
  if (Object.keys(merged).length > 50) {
    throw validationError("A resource may have at most 50 tags", "fieldValidationFailed", [
      {
        name: "tags",
        message: `would give the resource ${Object.keys(merged).length} tags; the limit is 50`,
      },
    ]);
  }
  resource.tags = merged;
  return { body: {} };
};

export const untagResource: DrsOperation = (context, request, resourceArn) => {
  const keys = request.query.getAll("tagKeys");
  if (keys.length === 0) {
    throw validationError("tagKeys is required", "fieldValidationFailed", [
      { name: "tagKeys", message: "is required: the tag keys to remove" },
    ]);
  }
  const resource = taggable(context, resourceArn);
  const tags = { ...resource.tags };
  for (const key of keys) delete tags[key];
  resource.tags = tags;
  return { body: {} };
};
