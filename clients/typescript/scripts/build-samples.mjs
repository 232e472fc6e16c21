// Builds the sample pages that use a generated client: copies the runtime (dist) into samples/shared/sse-client, which
// the sample servers serve as /js/sse-client, and compiles each page's client/ folder into its wwwroot/js.
// The output is checked in, so `dotnet run` serves the pages without node; a test checks it is up to date.
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const tsc = join(here, "..", "node_modules", "typescript", "bin", "tsc");
const samples = [join(root, "samples", "Chat", "Chat.Server"), join(root, "samples", "Completions")];
const outDir = process.argv[2]; // Optional: build into {outDir}/shared and {outDir}/{sample}/js instead (the freshness test compares).

// The runtime, compiled once into samples/shared/sse-client, which every sample page serves as /js/sse-client.
const runtime = outDir ? join(outDir, "shared", "sse-client") : join(root, "samples", "shared", "sse-client");
rmSync(runtime, { recursive: true, force: true });
mkdirSync(runtime, { recursive: true });
for (const file of readdirSync(join(here, "..", "dist"))) {
  if (file.endsWith(".js") || file.endsWith(".d.ts") || file.endsWith(".js.map")) cpSync(join(here, "..", "dist", file), join(runtime, file));
}

// Each page: its client/ folder (the generated client and the page's own code) compiled into its wwwroot/js.
for (const sample of samples) {
  const target = outDir ? join(outDir, basename(sample), "js") : join(sample, "wwwroot", "js");
  execFileSync(process.execPath, [tsc, "-p", join(sample, "client", "tsconfig.json"), "--outDir", target], { stdio: "inherit" });
}
