#!/usr/bin/env node
// Entry point of the `axilla` command (see shared spec cli.md). Runs the TypeScript CLI through tsx.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../lib/cli/main.ts");
process.exit(await main(process.argv.slice(2)));
