// `npm run fuzz -- [--iterations N] [--seconds S] [--seed N] [--target a,b] [--start I]`: the long run of the
// checkpoint-reader fuzzer (tests/io/helpers/fuzz/). Every target gets N cases (default 20000) or an even
// share of S seconds, whichever ends first; it prints per target the counts by outcome (valid, each
// EngineError class, crashes) and each distinct crash with the command that replays it. Exit code 1 on a crash.
// `npm run fuzz -- --target T --seed N --replay I [--dump DIR]` reruns one case in this thread, prints its
// mutations and full error, and with --dump writes its input files to DIR.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  formatCrash, isCrash, replayCase, runCampaign, TARGETS, type CampaignResult, type Crash, type TargetName,
} from "../tests/io/helpers/fuzz/index.js";

interface Args {
  iterations: number;
  seconds: number | undefined;
  seed: number;
  start: number;
  targets: TargetName[];
  replay: number | undefined;
  dump: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { iterations: 20_000, seconds: undefined, seed: 1, start: 0, targets: [...TARGETS], replay: undefined, dump: undefined };
  const int = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || !Number.isSafeInteger(n) || n < 0) throw new Error(`fuzz: expected a non-negative integer after ${flag}, got ${value}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case "--iterations": args.iterations = int(flag, value); i++; break;
      case "--seconds": args.seconds = int(flag, value); i++; break;
      case "--seed": args.seed = int(flag, value); i++; break;
      case "--start": args.start = int(flag, value); i++; break;
      case "--replay": args.replay = int(flag, value); i++; break;
      case "--dump": args.dump = value; i++; break;
      case "--target": {
        const names = (value ?? "").split(",");
        for (const name of names) {
          if (!(TARGETS as readonly string[]).includes(name)) throw new Error(`fuzz: unknown target "${name}"; expected one of ${TARGETS.join(", ")}`);
        }
        args.targets = names as TargetName[];
        i++;
        break;
      }
      default: throw new Error(`fuzz: unknown argument "${flag}"; expected --iterations, --seconds, --seed, --start, --target, --replay, --dump`);
    }
  }
  return args;
}

/** A crash's signature: its outcome and message with numbers blanked, so one bug is listed once. */
function signature(c: Crash): string {
  return `${c.target} ${c.outcome} ${c.message.replace(/\d+/g, "#").slice(0, 160)}`;
}

function printCounts(target: TargetName, result: CampaignResult): void {
  const rate = result.iterationsRun / (result.ms / 1000);
  console.log(`${target}: ${result.iterationsRun} cases in ${(result.ms / 1000).toFixed(1)} s (${rate.toFixed(0)}/s)`);
  const entries = Object.entries(result.counts).sort(([a, x], [b, y]) => Number(isCrash(a)) - Number(isCrash(b)) || y - x);
  for (const [outcome, n] of entries) console.log(`  ${outcome.padEnd(24)} ${String(n).padStart(8)}`);
}

async function replay(args: Args): Promise<void> {
  if (args.targets.length !== 1 || args.replay === undefined) throw new Error("fuzz: --replay needs exactly one --target");
  const { fuzzCase, result } = await replayCase(args.targets[0], args.seed, args.replay);
  console.log(`${fuzzCase.target} seed ${args.seed} iteration ${args.replay}: seed file ${fuzzCase.seedName}`);
  for (const m of fuzzCase.mutations) console.log(`  mutation: ${m}`);
  console.log(`  outcome: ${result.outcome} in ${result.ms.toFixed(1)} ms`);
  if (result.message !== undefined) console.log(`  message: ${result.message.slice(0, 2000)}`);
  if (result.stack !== undefined) console.log(result.stack);
  if (args.dump !== undefined) {
    mkdirSync(args.dump, { recursive: true });
    for (const [name, bytes] of Object.entries(fuzzCase.files)) writeFileSync(join(args.dump, name), bytes);
    console.log(`  input written to ${args.dump}`);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.replay !== undefined) return replay(args);
  const shareMs = args.seconds === undefined ? undefined : (args.seconds * 1000) / args.targets.length;
  console.log(`fuzzing ${args.targets.join(", ")}: seed ${args.seed}, iterations ${args.start}..${args.start + args.iterations}${shareMs === undefined ? "" : `, at most ${(shareMs / 1000).toFixed(0)} s each`}`);
  const crashes: Crash[] = [];
  let total = 0;
  for (const target of args.targets) {
    const result = await runCampaign({ target, seed: args.seed, start: args.start, iterations: args.iterations, timeLimitMs: shareMs });
    printCounts(target, result);
    crashes.push(...result.crashes);
    total += result.iterationsRun;
  }
  const bySignature = new Map<string, Crash[]>();
  for (const c of crashes) bySignature.set(signature(c), [...(bySignature.get(signature(c)) ?? []), c]);
  console.log(`\n${total} cases, ${crashes.length} crash(es), ${bySignature.size} distinct`);
  for (const group of bySignature.values()) {
    console.log(`\n[${group.length}x] ${formatCrash(group[0])}`);
    if (group.length > 1) console.log(`  also iterations ${group.slice(1, 8).map((c) => c.iteration).join(", ")}${group.length > 8 ? ", ..." : ""}`);
  }
  if (crashes.length > 0) process.exitCode = 1;
}

await main();
