#!/usr/bin/env node
// The CLI runs from its TypeScript sources: tsx compiles them on load, so no build step is needed.
import { register } from "tsx/esm/api";

// The SDK warns on every run under Node 20 that its releases after January 2027 need Node 22; the
// versions pinned here support Node 20, and the warning would bury the command's own output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
