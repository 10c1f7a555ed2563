// adapterkit serve: many adapters over one base model, over HTTP, batched across adapters. Parses flags,
// starts the server, and shuts it down cleanly on SIGTERM/SIGINT (stop accepting, answer what is queued).
import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
import { backendChoiceFromEnv, type LinearPrecision } from "../../kernels/index.js";
import { BATCHING_MODES, startServer, type BatchingMode } from "../../serve/index.js";
import { integer, log, precision, PRECISION_HELP } from "../setup.js";

interface ServeFlags {
  model: string;
  adapters?: string;
  adapter: string[];
  host: string;
  port: number;
  maxAdapters: number;
  maxWaitMs: number;
  maxBatchTokens: number;
  maxSeqLength: number;
  maxInputs: number;
  maxChars: number;
  maxBody: number;
  batching: BatchingMode;
  allowAdmin: boolean;
  adminToken?: string;
  logRequests: boolean;
  lowercase?: boolean;
  precision: LinearPrecision;
}

function namedAdapter(value: string, previous: string[]): string[] {
  if (!/^[^=]+=.+$/.test(value)) throw new ConfigError(`--adapter: expected name=DIR, got "${value}"`);
  return [...previous, value];
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve many adapters over one base model over HTTP, batching requests across adapters")
    .requiredOption("--model <dir>", "the base model directory")
    .option("--adapters <dir>", "the adapter store: a folder of adapter folders (the folder name is the adapter name)")
    .option("--adapter <name=dir>", "one more adapter by name (repeatable)", namedAdapter, [])
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port (0: any free one)", integer("port"), 8080)
    .option("--max-adapters <n>", "adapters kept in memory (least recently used ones leave)", integer("max-adapters"), 64)
    .option("--max-wait-ms <ms>", "how long a request may wait for others to batch with", integer("max-wait-ms"), 5)
    .option("--max-batch-tokens <n>", "padded tokens per forward, across adapters", integer("max-batch-tokens"), 4096)
    .option("--max-seq-length <n>", "tokens per input (longer ones are truncated)", integer("max-seq-length"), 128)
    .option("--max-inputs <n>", "inputs per request", integer("max-inputs"), 64)
    .option("--max-chars <n>", "characters per text", integer("max-chars"), 10000)
    .option("--max-body <bytes>", "request body size", integer("max-body"), 1 << 20)
    .option("--batching <mode>", `how requests share forwards: ${BATCHING_MODES.join(", ")} (across adapters, within one adapter, not at all)`, "cross")
    .option("--allow-admin", "enable PUT/DELETE /v1/adapters/{name}", false)
    .option("--admin-token <token>", "bearer token the management routes require")
    .option("--log-requests", "log every request (JSON lines on stdout)", false)
    .option("--lowercase", "lowercase text (a vocab.txt model without tokenizer_config.json)")
    .option("--precision <p>", PRECISION_HELP, precision, "fp32")
    .action(async (flags: ServeFlags) => {
      if (!BATCHING_MODES.includes(flags.batching)) throw new ConfigError(`--batching: expected one of ${BATCHING_MODES.join(", ")}, got "${flags.batching}"`);
      for (const [name, value] of [
        ["max-adapters", flags.maxAdapters],
        ["max-batch-tokens", flags.maxBatchTokens],
        ["max-inputs", flags.maxInputs],
        ["max-chars", flags.maxChars],
        ["max-body", flags.maxBody],
      ] as const) {
        if (value < 1) throw new ConfigError(`--${name}: expected at least 1, got ${value}`);
      }
      if (!flags.adapters && flags.adapter.length === 0) log("serve: no --adapters store and no --adapter; only the routes that need none will answer");
      const named = new Map(flags.adapter.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
      const server = await startServer({
        modelDir: flags.model,
        store: flags.adapters ?? null,
        named,
        host: flags.host,
        port: flags.port,
        backend: backendChoiceFromEnv(process.env.ADAPTERKIT_BACKEND),
        lowercase: flags.lowercase,
        precision: flags.precision,
        maxAdapters: flags.maxAdapters,
        maxWaitMs: flags.maxWaitMs,
        maxBatchTokens: flags.maxBatchTokens,
        maxSeqLength: flags.maxSeqLength,
        batching: flags.batching,
        maxInputs: flags.maxInputs,
        maxChars: flags.maxChars,
        maxBody: flags.maxBody,
        allowAdmin: flags.allowAdmin,
        adminToken: flags.adminToken ?? null,
        logger: flags.logRequests,
        log,
      });
      const stop = (signal: string): void => {
        log(`serve: ${signal}: finishing what is queued, then exiting`);
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            log(`serve: shutdown failed: ${String(err)}`);
            process.exit(1);
          },
        );
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    });
}
