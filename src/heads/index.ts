// Task heads over the encoder's output, and their AdapterHub file format.
export { fromHubHeadName, headHubConfig, parseHeadHubConfig, toHubHeadName } from "./adapterhub-head.js";
export { headConfig, type HeadConfig, type HeadKind } from "./head-config.js";
export { IGNORE_INDEX, TaskHead, type Labels } from "./task-head.js";
