#!/usr/bin/env node
// The adapterkit command. The only code that reads argv and the environment and prints.
import { Command } from "commander";
import { EngineError } from "../errors.js";
import { backendChoiceFromEnv, loadBackend } from "../kernels/index.js";
import { registerDemo } from "./commands/demo.js";
import { registerEval } from "./commands/eval.js";
import { registerInfo } from "./commands/info.js";
import { registerInit } from "./commands/init.js";
import { registerKAdapter } from "./commands/kadapter.js";
import { registerPredict } from "./commands/predict.js";
import { registerPretrain } from "./commands/pretrain.js";
import { registerServe } from "./commands/serve.js";
import { registerTrain } from "./commands/train.js";

const program = new Command().name("adapterkit").description("Train and serve adapters for BERT-family models").option("--verbose", "print stack traces on errors");

program
  .command("backend")
  .description("show which compute backend is in use (set ADAPTERKIT_BACKEND=ref|native|auto to choose)")
  .action(() => {
    const backend = loadBackend(backendChoiceFromEnv(process.env.ADAPTERKIT_BACKEND), (line) => console.error(line));
    console.log(`backend: ${backend.name}`);
  });

registerDemo(program);
registerInit(program);
registerPretrain(program);
registerKAdapter(program);
registerTrain(program);
registerEval(program);
registerPredict(program);
registerInfo(program);
registerServe(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof EngineError && !program.opts<{ verbose?: boolean }>().verbose) {
    console.error(`adapterkit: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exitCode = 1;
}
