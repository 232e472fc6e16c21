// Builds what pages load: the runtime (dist) as the server package's static web asset, served by any app at
// /_content/Sse.Runtime.AspNetCore/sse-client/index.js (src/Sse.Runtime.AspNetCore/wwwroot/sse-client), and each sample
// page's client/ folder (its generated client and its own code) compiled into its wwwroot/js.
// The output is checked in, so `dotnet run` and `dotnet pack` need no node; a test checks it is up to date.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const tsc = join(here, "..", "node_modules", "typescript", "bin", "tsc");
const samples = [join(root, "samples", "Chat", "Chat.Server"), join(root, "samples", "Completions")];
const outDir = process.argv[2]; // Optional: build into {outDir}/sse-client and {outDir}/{sample}/js instead (the freshness test compares).

// The runtime's modules, without their source-map comments: the web asset ships no maps (the npm package does, with its sources).
const runtime = outDir ? join(outDir, "sse-client") : join(root, "src", "Sse.Runtime.AspNetCore", "wwwroot", "sse-client");
rmSync(runtime, { recursive: true, force: true });
mkdirSync(runtime, { recursive: true });
for (const file of readdirSync(join(here, "..", "dist"))) {
  if (file.endsWith(".js") && file !== "testing.js") { // the test stub is for node's test runner, not pages
    const text = readFileSync(join(here, "..", "dist", file), "utf8").replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
    writeFileSync(join(runtime, file), text);
  }
}

// Each page: its client/ folder compiled into its wwwroot/js (no maps: its sources are not served).
for (const sample of samples) {
  const target = outDir ? join(outDir, basename(sample), "js") : join(sample, "wwwroot", "js");
  execFileSync(process.execPath, [tsc, "-p", join(sample, "client", "tsconfig.json"), "--outDir", target, "--sourceMap", "false"], { stdio: "inherit" });
}
