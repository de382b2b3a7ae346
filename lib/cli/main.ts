// The `axilla` command line (spec: shared/spec/cli.md). One JSON document on stdout, diagnostics on
// stderr, a one-line error and a non-zero exit on bad input. Each command lives in ./commands/<name>.ts
// and exports `run(argv: string[]): Promise<unknown>`; this file only dispatches and prints.
import { CliError, toJson } from "./io.ts";

const COMMANDS: Record<string, () => Promise<{ run(argv: string[]): Promise<unknown> }>> = {
  extract: () => import("./commands/extract.ts"),
  dicom: () => import("./commands/dicom.ts"),
  stats: () => import("./commands/stats.ts"),
  train: () => import("./commands/train.ts"),
  predict: () => import("./commands/predict.ts"),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || !(name in COMMANDS)) {
    process.stderr.write(`usage: axilla <${Object.keys(COMMANDS).join("|")}> [options]\n`);
    return name && name !== "--help" && name !== "-h" ? 2 : 0;
  }
  try {
    const mod = await COMMANDS[name]();
    const out = await mod.run(rest);
    process.stdout.write(toJson(out) + "\n");
    return 0;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`axilla ${name}: ${msg.split("\n")[0]}\n`);
    if (!(err instanceof CliError) && process.env.AXILLA_DEBUG) process.stderr.write(String((err as Error)?.stack) + "\n");
    return err instanceof CliError ? err.exitCode : 1;
  }
}

const isEntry = process.argv[1] && /lib[\\/]cli[\\/]main\.ts$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
