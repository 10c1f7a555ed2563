// The HTTP layer (Fastify): routes, JSON schemas (which also make /openapi.json), the error shape, metrics
// per request. It holds no ML: predictions go to the batcher, adapter management to the registry.
import swagger from "@fastify/swagger";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { PredictInput, PredictResult } from "../pipelines/index.js";
import type { Batcher } from "./batcher.js";
import { HttpError } from "./http-error.js";
import type { ServerMetrics } from "./metrics.js";
import type { AdapterRegistry } from "./registry.js";

export interface AppOptions {
  maxInputs: number; // inputs per request
  maxChars: number; // characters per text (and per token list, joined)
  maxBody: number; // bytes
  allowAdmin: boolean;
  adminToken: string | null;
  logger: boolean;
}

export interface AppDeps {
  batcher: Batcher;
  registry: AdapterRegistry;
  metrics: ServerMetrics;
  /** Whether the base model is loaded and the worker alive. */
  ready(): boolean;
}

type WireInput = string | { text?: string; text_pair?: string; start?: number; end?: number; tokens?: string[]; subject?: [number, number]; object?: [number, number] };

const errorSchema = {
  type: "object",
  properties: { error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" } }, required: ["code", "message"] } },
} as const;

function inputSchema(o: AppOptions) {
  const text = { type: "string", maxLength: o.maxChars };
  const span = { type: "array", items: { type: "integer", minimum: 0 }, minItems: 2, maxItems: 2 };
  return {
    type: "array",
    minItems: 1,
    maxItems: o.maxInputs,
    items: {
      anyOf: [
        { ...text, description: "a text" },
        {
          type: "object",
          required: ["text"],
          additionalProperties: false,
          properties: { text, text_pair: text },
          description: "a text (and its pair, for an adapter trained on pairs)",
        },
        {
          type: "object",
          required: ["text", "start", "end"],
          additionalProperties: false,
          properties: { text, start: { type: "integer", minimum: 0 }, end: { type: "integer", minimum: 0 } },
          description: "entity typing (K-Adapter): the mention's character offsets",
        },
        {
          type: "object",
          required: ["tokens", "subject", "object"],
          additionalProperties: false,
          properties: { tokens: { type: "array", items: { type: "string", maxLength: 200 }, minItems: 1, maxItems: 512 }, subject: span, object: span },
          description: "relation classification (K-Adapter): words and inclusive token spans",
        },
      ],
    },
  } as const;
}

/** What the prediction routes answer when they do not answer results. */
const ERROR_RESPONSES = { 400: errorSchema, 404: errorSchema, 413: errorSchema, 500: errorSchema } as const;

const resultsSchema = {
  type: "array",
  items: {},
  description: "one result per input, in order: { label, score, scores }, { value }, { labels, scores }, or entities [{ entity, text, start, end, score }]",
} as const;
const adapterName = { type: "string", maxLength: 128 } as const;

/** The wire input (snake_case) -> the library's. */
function toInput(x: WireInput): PredictInput {
  if (typeof x === "string") return x;
  if (x.tokens !== undefined && x.subject && x.object) return { tokens: x.tokens, subject: x.subject, object: x.object };
  if (x.start !== undefined && x.end !== undefined) return { text: x.text ?? "", start: x.start, end: x.end };
  return x.text_pair === undefined ? { text: x.text ?? "" } : { text: x.text ?? "", textPair: x.text_pair };
}

export async function buildApp(o: AppOptions, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: o.logger ? { level: "info" } : false,
    bodyLimit: o.maxBody,
    // strict JSON types: a number where a text belongs is an error, not a coerced "42"
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    return503OnClosing: true,
    // long names reach the schema check (a 400 in our error shape) rather than the router's own 414
    routerOptions: { maxParamLength: 8192 },
  });
  await app.register(swagger, {
    openapi: {
      info: { title: "AdapterKit", version: "0.1.0", description: "Many adapters over one frozen BERT-family base; requests are batched across adapters." },
      components: { securitySchemes: { admin: { type: "http", scheme: "bearer" } } },
    },
  });

  const { metrics } = deps;
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unknown";
    const status = String(reply.statusCode);
    metrics.requests.inc({ route, method: req.method, status });
    metrics.latency.observe({ route, status }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((err: FastifyError | HttpError | Error, _req, reply) => {
    if (err instanceof HttpError) return reply.code(err.statusCode).send({ error: { code: err.code, message: err.message } });
    const e = err as FastifyError;
    if (e.validation) return reply.code(400).send({ error: { code: "bad_request", message: `request ${e.validationContext ?? "body"}: ${e.message}` } });
    if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE") return reply.code(413).send({ error: { code: "body_too_large", message: `request body over ${o.maxBody} bytes` } });
    if (e.code === "FST_ERR_CTP_INVALID_JSON_BODY" || e.code === "FST_ERR_CTP_EMPTY_JSON_BODY") return reply.code(400).send({ error: { code: "bad_json", message: e.message } });
    if (e.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return reply.code(415).send({ error: { code: "unsupported_media_type", message: e.message } });
    if (e.name === "ConfigError") return reply.code(400).send({ error: { code: "bad_input", message: e.message } });
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return reply.code(e.statusCode).send({ error: { code: e.code ?? "bad_request", message: e.message } });
    reply.log.error(err);
    return reply.code(500).send({ error: { code: "internal", message: e.message } });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: { code: "not_found", message: `no route ${req.method} ${req.url.slice(0, 200)}` } }));

  const adminGuard = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!o.allowAdmin) throw new HttpError(403, "admin_disabled", "adapter management is off; start the server with --allow-admin");
    if (o.adminToken !== null && req.headers.authorization !== `Bearer ${o.adminToken}`) {
      void reply.header("www-authenticate", "Bearer");
      throw new HttpError(401, "unauthorized", "adapter management needs the admin bearer token");
    }
  };

  const predictOne = async (adapter: string, inputs: WireInput[]): Promise<PredictResult[]> => {
    await deps.registry.acquire(adapter);
    try {
      deps.metrics.adapterRequests.inc({ adapter });
      return await deps.batcher.submit(adapter, inputs.map(toInput));
    } finally {
      deps.registry.release(adapter);
    }
  };

  app.get("/health", { schema: { summary: "alive", response: { 200: { type: "object", properties: { status: { type: "string" } } } } } }, async () => ({ status: "ok" }));
  app.get(
    "/ready",
    { schema: { summary: "the base model is loaded", response: { 200: { type: "object", properties: { status: { type: "string" } } }, 503: errorSchema } } },
    async (_req, reply) => {
      if (!deps.ready()) return reply.code(503).send({ error: { code: "not_ready", message: "the base model is not loaded" } });
      return { status: "ready" };
    },
  );
  app.get("/metrics", { schema: { summary: "Prometheus metrics", hide: false } }, async (_req, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  app.post<{ Params: { name: string }; Body: { inputs: WireInput[] } }>(
    "/v1/adapters/:name/predict",
    {
      schema: {
        summary: "one adapter over the inputs",
        params: { type: "object", properties: { name: adapterName }, required: ["name"] },
        body: { type: "object", required: ["inputs"], additionalProperties: false, properties: { inputs: inputSchema(o) } },
        response: {
          200: { type: "object", properties: { adapter: { type: "string" }, results: resultsSchema } },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req) => {
      checkChars(req.body.inputs, o.maxChars);
      return { adapter: req.params.name, results: await predictOne(req.params.name, req.body.inputs) };
    },
  );

  app.post<{ Body: { adapters: string[]; inputs: WireInput[] } }>(
    "/v1/predict",
    {
      schema: {
        summary: "several adapters over the same inputs (one batch)",
        body: {
          type: "object",
          required: ["adapters", "inputs"],
          additionalProperties: false,
          properties: { adapters: { type: "array", items: adapterName, minItems: 1, maxItems: 64, uniqueItems: true }, inputs: inputSchema(o) },
        },
        response: {
          200: { type: "object", properties: { results: { type: "object", additionalProperties: resultsSchema } } },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req) => {
      checkChars(req.body.inputs, o.maxChars);
      for (const a of req.body.adapters) deps.registry.folder(a); // every name checked before any work
      const all = await Promise.all(req.body.adapters.map((a) => predictOne(a, req.body.inputs)));
      return { results: Object.fromEntries(req.body.adapters.map((a, i) => [a, all[i]])) };
    },
  );

  app.get("/v1/adapters", { schema: { summary: "the adapters the store offers, loaded or not" } }, async () => ({ adapters: deps.registry.list() }));

  app.put<{ Params: { name: string } }>(
    "/v1/adapters/:name",
    {
      preHandler: adminGuard,
      schema: { summary: "load or reload an adapter from the store", security: [{ admin: [] }], params: { type: "object", properties: { name: adapterName }, required: ["name"] } },
    },
    async (req) => ({ adapter: req.params.name, loaded: true, info: await deps.registry.load(req.params.name, true) }),
  );

  app.delete<{ Params: { name: string } }>(
    "/v1/adapters/:name",
    {
      preHandler: adminGuard,
      schema: { summary: "unload an adapter", security: [{ admin: [] }], params: { type: "object", properties: { name: adapterName }, required: ["name"] } },
    },
    async (req) => ({ adapter: req.params.name, unloaded: await deps.registry.unload(req.params.name) }),
  );

  return app;
}

/** Token lists are checked item by item by the schema; their joined length too, as one text. */
function checkChars(inputs: WireInput[], maxChars: number): void {
  inputs.forEach((x, i) => {
    if (typeof x !== "string" && x.tokens && x.tokens.join(" ").length > maxChars) throw new HttpError(400, "bad_request", `inputs[${i}].tokens: over ${maxChars} characters`);
  });
}
