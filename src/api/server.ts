import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RouteOptions,
} from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { ScenarioSpecSchema } from "../domain/scenario.ts";
import {
  DataError,
  InputError,
  NotFoundError,
  StoreError,
  TooCostlyError,
  UnavailableError,
} from "../domain/errors.ts";
import { AnswerCache, canonical } from "./answer-cache.ts";
import { LRUCache } from "lru-cache";
import type { ScenarioPool, ScenarioPoolOptions } from "./scenario-pool.ts";
import { LOOPBACK_NAMES, type LogLevel } from "./limits.ts";
import { registerHostCheck, registerPathScrubber, registerSecurityHeaders } from "./security.ts";
import type { Store } from "../store/db.ts";
import { getCoverage } from "../services/coverage.ts";
import { keepCrossingsInMemory } from "../services/crossings-cube.ts";
import { crossingStatusIndex } from "../services/status.ts";
import { crossingsSeriesJson } from "../services/crossings.ts";
import type { ScenarioResult } from "../services/scenario.ts";
import { tradeSummary } from "../services/trade.ts";
import { defaultArchiveDir } from "../store/wait-archive.ts";
import type { SurgeRequest } from "../services/surge.ts";
import {
  answerEncoding,
  compressAnswer,
  COMPRESS_THRESHOLD_BYTES,
  registerCompression,
  registerDashboard,
} from "./web.ts";
import {
  AreasQuery,
  EncountersQuery,
  CrossingsQuery,
  ErrorBody,
  EventParams,
  EventsQuery,
  PortParams,
  PortsQuery,
  ResultObject,
  ScenarioRunQuery,
  SurgeBody,
  TradeQuery,
  WaitsQuery,
  ForecastQuery,
} from "./schemas.ts";

/** How the API is built. */
export interface AppOptions {
  store: Store;
  /** Folder of the built dashboard (web/dist) to serve at /; none serves the API only. */
  webRoot?: string;
  /** Extra events file (the registry's layout). */
  eventsFile?: string;
  /** Folder of the wait-time archive `borderflow watch` writes (default: $BORDERFLOW_ARCHIVE or ~/.local/share/borderflow/waits). */
  archiveDir?: string;
  /** Log level of the fastify logger (JSON lines on stderr): fatal, error, warn, info, debug; false for none. */
  logger?: boolean | LogLevel;
  /** Where the log goes (default stderr); tests read it. */
  logStream?: { write(line: string): void };
  /** Largest accepted request body, bytes. */
  bodyLimit?: number;
  /** The Host names accepted ("any" when bound to a non-loopback address); default: loopback names only. */
  allowedHosts?: readonly string[] | "any";
  /** Bytes of answers kept (default 64 MiB). */
  cacheBytes?: number;
  /** Worker threads, queue, time limit and budget of scenario runs. */
  scenarioPool?: ScenarioPoolOptions;
}

declare module "fastify" {
  interface FastifyInstance {
    /** The server's answer cache (its byte count is checked by the fault tests). */
    answerCache: AnswerCache;
    /** The worker threads scenario runs and surges run on. */
    scenarioPool: { readonly completed: number };
  }
}

export { LOG_LEVELS, type LogLevel } from "./limits.ts";

/** A module loaded at its first use, once. */
const lazy = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= load());
};

/**
 * The services of the routes a starting server does not need (health and crossings series load with it),
 * loaded at their first request or once the server has warmed up, whichever comes first: a server listens
 * sooner without compiling the model, the scenario and event services, the wait archive, luxon and piscina.
 */
const services = {
  events: lazy(() => import("../services/events.ts")),
  backtest: lazy(() => import("../services/backtest.ts")),
  ports: lazy(() => import("../services/ports.ts")),
  scenario: lazy(() => import("../services/scenario.ts")),
  waits: lazy(() => import("../services/waits.ts")),
  forecast: lazy(() => import("../services/forecast.ts")),
  overview: lazy(() => import("../services/overview.ts")),
  encounters: lazy(() => import("../services/encounters.ts")),
  areas: lazy(() => import("../services/port-areas.ts")),
  surge: lazy(() => import("../services/surge.ts")),
  officers: lazy(() => import("../services/officer-story.ts")),
  pool: lazy(() => import("./scenario-pool.ts")),
};

/** Raw scenario requests remembered with the cache key of their validated form (about 200 bytes each). */
const SCENARIO_RAW_KEYS = 10_000;

const errorBody = (status: number, message: string, extra: Record<string, unknown> = {}) => ({
  error: { status, message, ...extra },
});

/**
 * Errors become JSON bodies with a status code here and nowhere else; never a stack to a client. Every 5xx is
 * logged with its stack (the fastify logger, on stderr).
 */
function registerErrorAnswers(app: FastifyInstance): void {
  app.setErrorHandler((fastifyErr: FastifyError, req, reply) => {
    const err: unknown = fastifyErr;
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        path: `${err.validationContext ?? "request"}${v.instancePath.replace(/\//g, ".")}`.replace(/\.$/, ""),
        message: v.message ?? "invalid",
      }));
      return reply
        .status(400)
        .send(
          errorBody(
            400,
            `invalid ${err.validationContext ?? "request"}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
            { issues },
          ),
        );
    }
    const hint = (e: { hint?: string | undefined }) => (e.hint ? { hint: e.hint } : {});
    if (err instanceof NotFoundError) return reply.status(404).send(errorBody(404, err.message, hint(err)));
    if (err instanceof TooCostlyError) return reply.status(422).send(errorBody(422, err.message, hint(err)));
    if (err instanceof InputError) return reply.status(400).send(errorBody(400, err.message, hint(err)));
    if (err instanceof DataError)
      return reply
        .status(422)
        .send(errorBody(422, err.message, { issues: err.details.map((d) => ({ path: "", message: d })) }));
    if (err instanceof UnavailableError) {
      if (err.retryAfterSeconds !== undefined) reply.header("retry-after", String(err.retryAfterSeconds));
      else req.log.error({ err }, "scenario run stopped at its time limit");
      return reply.status(503).send(errorBody(503, err.message, hint(err)));
    }
    if (err instanceof StoreError) {
      req.log.error({ err }, "store error");
      return reply.status(503).send(errorBody(503, err.message));
    }
    const code = fastifyErr.statusCode;
    const status = typeof code === "number" && code >= 400 && code < 500 ? code : 500;
    if (status >= 500) req.log.error({ err: fastifyErr }, "internal error");
    return reply
      .status(status)
      .send(errorBody(status, status === 500 ? "internal error" : fastifyErr.message));
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send(
        errorBody(
          404,
          `no route ${req.method} ${req.url.split("?")[0]?.slice(0, 200)} (the API is described at /api/openapi.json)`,
        ),
      ),
  );
}

/**
 * The OpenAPI document (/api/openapi.json), built at its first request rather than at start-up:
 * @fastify/swagger is loaded then, into a throwaway fastify instance given the same routes (method, URL and
 * schema, as this app's onRoute hook saw them), so a starting server neither loads it nor converts every
 * route's schema. The document is kept.
 */
function lazyOpenApi(app: FastifyInstance): () => Promise<unknown> {
  const routes: Pick<RouteOptions, "method" | "url" | "schema">[] = [];
  app.addHook("onRoute", (r) => {
    routes.push({ method: r.method, url: r.url, ...(r.schema ? { schema: r.schema } : {}) });
  });
  let doc: Promise<unknown> | undefined;
  const build = async () => {
    const { default: fastifySwagger } = await import("@fastify/swagger");
    // The HEAD routes fastify adds to this app's GET routes are in `routes` already.
    const mirror = Fastify({ logger: false, exposeHeadRoutes: false });
    mirror.setValidatorCompiler(validatorCompiler);
    mirror.setSerializerCompiler(serializerCompiler);
    await mirror.register(fastifySwagger, {
      openapi: {
        info: {
          title: "borderflow API",
          version: "0.1.0",
          description:
            "U.S. land ports of entry as a system of flows: crossings, trade, scenarios and past disruptions, from real public data. Read-only.",
        },
      },
      transform: jsonSchemaTransform,
    });
    for (const r of routes) mirror.route({ ...r, handler: async () => null });
    await mirror.ready();
    try {
      return mirror.swagger();
    } finally {
      await mirror.close();
    }
  };
  return () => {
    doc ??= build();
    doc.catch(() => (doc = undefined));
    return doc;
  };
}

/**
 * Builds the HTTP API (and, with `webRoot`, the dashboard's static files) on an open store. Read-only:
 * no route writes to the store. Errors become JSON bodies with a status code here and nowhere else.
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { store } = opts;
  const level = opts.logger === true ? "info" : opts.logger || "silent";
  const app = Fastify({
    // JSON lines on stderr (stdout is for what the command prints); 5xx always logged with their stack.
    logger: level === "silent" ? false : { level, stream: opts.logStream ?? process.stderr },
    bodyLimit: opts.bodyLimit ?? 64 * 1024,
    // Bounded request shape: a long URL or many parameters is refused before any route runs.
    routerOptions: { maxParamLength: 200 },
    // A path the router cannot take (a parameter over 200 characters, a malformed %-escape) gets the same
    // error body as every other refusal, never fastify's own (which echoes the whole path back).
    frameworkErrors: (err, _req, res) => {
      const tooLong = err.code === "FST_ERR_MAX_PARAM_LENGTH";
      const reply = res as unknown as { status(n: number): { send(b: unknown): unknown } };
      void reply
        .status(tooLong ? 414 : 400)
        .send(
          errorBody(
            tooLong ? 414 : 400,
            tooLong
              ? "a path parameter is longer than 200 characters"
              : err.code === "FST_ERR_BAD_URL"
                ? "the path is not a valid URL (a malformed %-escape)"
                : "the request cannot be routed",
          ),
        );
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  registerErrorAnswers(app);
  if (opts.allowedHosts !== "any") registerHostCheck(app, opts.allowedHosts ?? LOOPBACK_NAMES);
  registerSecurityHeaders(app);
  const { scrub, scrubbed } = registerPathScrubber(app, [
    [store.path, "<database>"],
    [opts.archiveDir ?? defaultArchiveDir(), "<archive>"],
    [store.snapshotDir, "<snapshot>"],
    ...(opts.webRoot ? ([[opts.webRoot, "<web>"]] as [string, string][]) : []),
    [process.cwd(), "<cwd>"],
  ]);
  // The worker pool (piscina and the model) is made at the first run.
  let poolMade: Promise<ScenarioPool> | undefined;
  let poolNow: ScenarioPool | undefined;
  const scenarioPool = () =>
    (poolMade ??= services.pool().then((m) => (poolNow = new m.ScenarioPool(opts.scenarioPool))));
  const pool = {
    run: async (...args: Parameters<ScenarioPool["run"]>) => (await scenarioPool()).run(...args),
  };
  app.addHook("onClose", async () => {
    await (await poolMade?.catch(() => undefined))?.close();
  });
  // Warm what every series request needs, in the background (the server listens and answers meanwhile):
  // first the coverage (/api/health needs it) and the crossings' status index (a few small reads; a request
  // that needs them waits for them), then the crossings in memory (until they are, a series is read from
  // DuckDB: the same answer). Small reads, so that a server stopped while it warms stops after the read in
  // progress: closing waits for that read (the store must not be closed under a query), not the warm-up.
  const stopWarming = new AbortController();
  const warm = (async () => {
    await Promise.all([getCoverage(store), crossingStatusIndex(store)]);
    stopWarming.signal.throwIfAborted();
    await keepCrossingsInMemory(store, stopWarming.signal).catch((e: unknown) => {
      // Another app on this store was closed while it loaded them (tests build several): load them again.
      if (stopWarming.signal.aborted || (e as Error).name !== "AbortError") throw e;
      return keepCrossingsInMemory(store, stopWarming.signal);
    });
    stopWarming.signal.throwIfAborted();
    await Promise.all(Object.values(services).map((load) => load()));
  })();
  const warmed = warm.then(
    () => undefined,
    (err: unknown) => {
      if (!stopWarming.signal.aborted) app.log.error({ err }, "warming the crossings in memory failed");
    },
  );
  app.addHook("onClose", async () => {
    stopWarming.abort();
    await warmed;
  });

  // An API route without query parameters refuses any (the others' schemas refuse unknown ones).
  app.addHook("preValidation", async (req, reply) => {
    const q = req.query as Record<string, unknown> | undefined;
    if (!req.url.startsWith("/api/") || req.routeOptions.schema?.querystring || !q || !Object.keys(q).length)
      return;
    const keys = Object.keys(q).map((k) => JSON.stringify(k.slice(0, 40)));
    return reply
      .status(400)
      .send(
        errorBody(
          400,
          `unknown parameter${keys.length > 1 ? "s" : ""} ${keys.join(", ")} (this route takes none)`,
        ),
      );
  });
  await registerCompression(app);
  const openapi = lazyOpenApi(app);

  // The data cannot change while the server runs (the store is opened read-only and DuckDB keeps writers
  // out), so an answer computed once is kept, serialized, under its validated request (src/api/answer-cache.ts).
  const cache = new AnswerCache(opts.cacheBytes);
  const cachedText = async (reply: FastifyReply, key: string, compute: () => Promise<string>) => {
    const { body, hit } = await cache.get(key, async () => scrub(await compute()));
    return keptAnswer(reply, key, body, hit);
  };
  /**
   * A kept answer as sent: its compressed bytes when the client takes them (compressed once and kept with it:
   * compressing a large answer at every request was most of a cached port profile's time), else its text.
   * A kept answer's paths were scrubbed when it was kept.
   */
  const keptAnswer = async (reply: FastifyReply, key: string, body: string, hit: boolean) => {
    reply.header("x-borderflow-cache", hit ? "hit" : "miss");
    reply.type("application/json; charset=utf-8");
    scrubbed(reply);
    const encoding = body.length >= COMPRESS_THRESHOLD_BYTES ? answerEncoding(reply.request) : undefined;
    const bytes = encoding && (await cache.encoded(key, encoding, (t) => compressAnswer(t, encoding)));
    if (!bytes) return body;
    reply.header("vary", "accept-encoding");
    reply.header("content-encoding", encoding);
    return bytes;
  };
  const cached = (reply: FastifyReply, key: string, compute: () => Promise<unknown>) =>
    cachedText(reply, key, async () => JSON.stringify(await compute()));
  /** A request's cache key: its route and its validated, normalised parameters (never the raw URL). */
  const keyOf = (req: FastifyRequest) =>
    `${req.routeOptions.url}?${canonical({ q: req.query ?? {}, p: req.params ?? {} })}`;
  app.decorate("answerCache", cache);
  app.decorate("scenarioPool", { getter: () => ({ completed: poolNow?.completed ?? 0 }) });

  const api = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: ErrorBody, 404: ErrorBody };

  api.get("/api/openapi.json", { schema: { hide: true } }, async () => openapi());

  api.get(
    "/api/health",
    {
      schema: {
        summary: "Snapshot version and data coverage",
        response: { 200: ResultObject("{ ok, snapshotVersion, coverage }") },
      },
    },
    async (req, reply) =>
      cached(reply, keyOf(req), async () => {
        const meta = Object.fromEntries(
          (
            await store.all<{ key: string; value: string }>({
              sql: "SELECT key, value FROM meta",
              params: [],
            })
          ).map((r) => [r.key, r.value]),
        );
        return {
          ok: true,
          snapshotVersion: meta.snapshot_version ?? null,
          coverage: await getCoverage(store),
        };
      }),
  );

  api.get(
    "/api/overview",
    {
      schema: {
        summary: "Top ports by trade and the December 2023 rail case",
        response: { 200: ResultObject("as `borderflow overview --json`") },
      },
    },
    async (req, reply) => cached(reply, keyOf(req), async () => (await services.overview()).overview(store)),
  );

  api.get(
    "/api/ports",
    {
      schema: {
        summary: "Land ports of entry",
        querystring: PortsQuery,
        response: { 200: ResultObject("as `borderflow ports --json`"), ...errors },
      },
    },
    async (req, reply) =>
      cached(reply, keyOf(req), async () =>
        (await services.ports()).listPorts(store, {
          ...(req.query.border ? { border: req.query.border } : {}),
          ...(req.query.mode ? { mode: req.query.mode } : {}),
        }),
      ),
  );

  api.get(
    "/api/ports/:code",
    {
      schema: {
        summary: "A port's profile",
        params: PortParams,
        response: { 200: ResultObject("as `borderflow port --json`"), ...errors },
      },
    },
    async (req, reply) =>
      cached(reply, `profile/${req.params.code.toLowerCase()}`, async () =>
        (await services.ports()).portProfile(store, req.params.code),
      ),
  );

  api.get(
    "/api/encounters",
    {
      schema: {
        summary:
          "CBP encounters by month or fiscal year, from one source file (named in the answer, with why)",
        querystring: EncountersQuery,
        response: { 200: ResultObject("as `borderflow encounters --json`"), ...errors },
      },
    },
    async (req, reply) => {
      const q = req.query;
      return cached(reply, keyOf(req), async () =>
        (await services.encounters()).encountersSeries(store, {
          sectors: q.sector ?? [],
          fieldOffices: q.fieldOffice ?? [],
          citizenship: q.citizenship ?? [],
          demographic: q.demographic ?? [],
          by: q.by ?? [],
          ...(q.region ? { region: q.region } : {}),
          ...(q.component ? { component: q.component } : {}),
          ...(q.title ? { title: q.title } : {}),
          ...(q.from ? { from: q.from } : {}),
          ...(q.to ? { to: q.to } : {}),
          ...(q.file ? { file: q.file } : {}),
        }),
      );
    },
  );

  api.get(
    "/api/areas",
    {
      schema: {
        summary: "Each land port's OFO field office and USBP sector, each with its source",
        querystring: AreasQuery,
        response: { 200: ResultObject("as `borderflow areas --json`"), ...errors },
      },
    },
    async (req, reply) =>
      cached(reply, keyOf(req), async () =>
        (await services.areas()).portAreas(store, {
          ...(req.query.border ? { border: req.query.border } : {}),
          ...(req.query.fieldOffice ? { fieldOffice: req.query.fieldOffice } : {}),
          ...(req.query.sector ? { sector: req.query.sector } : {}),
        }),
      ),
  );

  api.get(
    "/api/crossings",
    {
      schema: {
        summary: "Inbound crossings by month or year, per measure",
        querystring: CrossingsQuery,
        response: { 200: ResultObject("as `borderflow crossings --json`"), ...errors },
      },
    },
    async (req, reply) => {
      const q = req.query;
      // A monthly series is sliced from points written once per measure (services/crossings.ts).
      return cachedText(reply, keyOf(req), async () => {
        const r = await crossingsSeriesJson(store, {
          ports: q.port ?? [],
          measures: q.measure ?? [],
          ...(q.from ? { from: q.from } : {}),
          ...(q.to ? { to: q.to } : {}),
          ...(q.by ? { by: q.by } : {}),
          ...(q.total === "true" ? { total: true } : {}),
        });
        return r.text;
      });
    },
  );

  api.get(
    "/api/trade",
    {
      schema: {
        summary: "Trade value by month, year, commodity, port, mode or direction",
        querystring: TradeQuery,
        response: { 200: ResultObject("as `borderflow trade --json`"), ...errors },
      },
    },
    async (req, reply) => {
      const q = req.query;
      return cached(reply, keyOf(req), () =>
        tradeSummary(store, {
          ports: q.port ?? [],
          modes: q.mode ?? [],
          ...(q.direction ? { direction: q.direction } : {}),
          ...(q.country ? { country: q.country } : {}),
          ...(q.from ? { from: q.from } : {}),
          ...(q.to ? { to: q.to } : {}),
          ...(q.by ? { by: q.by } : {}),
        }),
      );
    },
  );

  const events = async () => (await services.events()).loadEvents(store, opts.eventsFile);

  api.get(
    "/api/events",
    {
      schema: {
        summary: "Past disruptions of the registry",
        querystring: EventsQuery,
        response: { 200: ResultObject("{ events: [...] }"), ...errors },
      },
    },
    async (req, reply) =>
      cached(reply, keyOf(req), async () => {
        const q = req.query;
        const list = await (
          await services.events()
        ).listEvents(store, await events(), {
          ...(q.border ? { border: q.border } : {}),
          ...(q.port ? { port: q.port } : {}),
          ...(q.from ? { from: q.from } : {}),
          ...(q.to ? { to: q.to } : {}),
        });
        return {
          events: list.map((e) => ({
            id: e.id,
            title: e.title,
            border: e.border,
            start: e.start.date,
            end: e.end?.date ?? null,
            ports: e.ports.map((p) => ({ name: p.name, code: p.cbp_port_code })),
            modes: e.modes_affected ?? [],
            closureType: e.closure_type,
          })),
        };
      }),
  );

  api.get(
    "/api/events/:id",
    {
      schema: {
        summary: "One disruption with its event study and backtest",
        params: EventParams,
        response: { 200: ResultObject("{ event, scenario, study, backtest }"), ...errors },
      },
    },
    async (req, reply) => {
      const { findEvent, eventScenario, eventStudy } = await services.events();
      const e = findEvent(await events(), req.params.id);
      return cached(reply, `event/${e.id}`, async () => ({
        event: e,
        scenario: await eventScenario(store, e),
        study: await eventStudy(store, e),
        backtest: await (await services.backtest()).backtestEvent(store, e),
      }));
    },
  );

  // A scenario request seen before is answered from the cache before it is validated again: its route, raw
  // query and body (as parsed JSON) → the key its validated, normalised form was kept under. Only a request
  // that was valid and answered gets an entry, and the same raw request validates the same way against a
  // read-only store, so every refusal is still given by validation. Bounded by count (SCENARIO_RAW_KEYS).
  const rawKeys = new LRUCache<string, string>({ max: SCENARIO_RAW_KEYS });
  /** A request's raw key, taken before validation (which replaces query and body with their parsed forms). */
  const rawKeyOfRequest = new WeakMap<FastifyRequest, string>();
  const rawKeyOf = (path: string, req: FastifyRequest) =>
    createHash("sha256")
      .update(path)
      .update("\0")
      .update(canonical(req.query ?? {}))
      .update("\0")
      .update(JSON.stringify(req.body) ?? "")
      .digest("hex");
  const scenarioRoute = (path: string, summary: string, input: boolean) =>
    api.post(
      path,
      {
        schema: {
          summary,
          body: ScenarioSpecSchema,
          querystring: ScenarioRunQuery,
          response: {
            200: ResultObject(
              input
                ? "{ input, ranges }: the model's input, to run in the browser"
                : "as `borderflow scenario run --json`",
            ),
            ...errors,
            413: ErrorBody,
          },
        },
        // Validation is attached, not thrown: validateScenario reports schema and data problems together.
        attachValidation: true,
        preValidation: async (req, reply) => {
          const raw = rawKeyOf(path, req);
          rawKeyOfRequest.set(req, raw);
          const key = rawKeys.get(raw);
          const body = key === undefined ? undefined : cache.peek(key);
          if (key === undefined || body === undefined) return;
          return reply.send(await keptAnswer(reply, key, body, true));
        },
      },
      async (req, reply) => {
        const rawKey = rawKeyOfRequest.get(req);
        const answer = async (key: string, compute: () => Promise<string>) => {
          const body = await cachedText(reply, key, compute);
          if (rawKey) rawKeys.set(rawKey, key);
          return body;
        };
        // Query problems are the route's own (body problems go to validateScenario, which lists them all).
        if (req.validationError && req.validationError.validationContext !== "body")
          throw req.validationError;
        const raw: unknown = req.body;
        const { validateScenario, scenarioModelInput, prepareScenario } = await services.scenario();
        const v = await validateScenario(store, raw);
        if (!v.ok)
          return reply
            .status(400)
            .send(errorBody(400, `the scenario has ${v.problems} problem(s)`, { issues: v.issues }));
        if (input)
          return answer(
            `input/${createHash("sha256").update(canonical(v.scenario)).digest("hex")}`,
            async () => JSON.stringify(await scenarioModelInput(store, v)),
          );
        const draws = req.query.draws ?? v.scenario.options.draws;
        const seed = req.query.seed ?? v.scenario.options.seed;
        const fit = req.query.fit === "budget";
        const key = createHash("sha256")
          .update(canonical({ s: v.scenario, draws, seed, ...(fit ? { fit } : {}) }))
          .digest("hex");
        // Prepared and run on a worker thread, with its own read-only connection to the database file (an
        // in-memory store cannot be shared: it is prepared here, and only the model runs on the worker).
        return answer(`scenario/${key}`, async () =>
          pool.run(
            store.path === ":memory:"
              ? { prepared: await prepareScenario(store, v) }
              : {
                  scenario: { scenario: v.scenario, events: v.events },
                  db: { path: store.path, snapshotDir: store.snapshotDir },
                },
            draws,
            seed,
            { fit },
          ),
        );
      },
    );
  scenarioRoute("/api/scenarios/run", "Run a scenario (the same result as the CLI's --json)", false);
  scenarioRoute(
    "/api/scenarios/input",
    "The model input of a scenario, for running it in the browser with the pure model",
    true,
  );

  api.post(
    "/api/surge",
    {
      schema: {
        summary:
          "The surge what-if: encounters in a sector → the surge rule's officers → an officer event → capacity cuts and delayed trade",
        body: SurgeBody,
        response: { 200: ResultObject("as `borderflow surge --json`"), ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const key = createHash("sha256").update(canonical(b)).digest("hex");
      const request: SurgeRequest = {
        sector: b.sector,
        start: b.start,
        days: b.days,
        ...(b.perDay !== undefined ? { perDay: b.perDay } : {}),
        ...(b.baselinePerDay !== undefined ? { baselinePerDay: b.baselinePerDay } : {}),
        ...(b.policy ? { policy: b.policy } : {}),
        ...(b.parameters ? { parameters: b.parameters as never } : {}),
        ...(b.run !== undefined ? { run: b.run } : {}),
        ...(b.draws !== undefined ? { draws: b.draws } : {}),
      };
      const draws = b.draws ?? 200;
      // On a worker thread like a scenario: the whole what-if with its own read-only connection to the file;
      // an in-memory store is asked here and only the officer event's run goes to the worker.
      return cachedText(reply, `surge/${key}`, async () =>
        store.path === ":memory:"
          ? JSON.stringify(
              await (
                await services.surge()
              ).surgeWhatIf(store, request, {
                runScenario: async (s, v) =>
                  JSON.parse(
                    await pool.run(
                      { prepared: await (await services.scenario()).prepareScenario(s, v) },
                      v.scenario.options.draws,
                      v.scenario.options.seed,
                      {
                        drawsIn: "body",
                        fit: true,
                      },
                    ),
                  ) as ScenarioResult,
              }),
            )
          : pool.run({ surge: request, db: { path: store.path, snapshotDir: store.snapshotDir } }, draws, 0, {
              drawsIn: "body",
            }),
      );
    },
  );

  api.get(
    "/api/surge/check",
    {
      schema: {
        summary: "The surge rule against the 2019, September 2023 and December 2023 redeployments",
        response: { 200: ResultObject("as `borderflow surge --check --json`") },
      },
    },
    async (req, reply) => cached(reply, keyOf(req), async () => (await services.surge()).surgeCheck(store)),
  );

  api.get(
    "/api/officers/events",
    {
      schema: {
        summary:
          "The officer redeployments as officer events (2019, Sep 2023, Dec 2023, and the surge rule's Dec 2023)",
        response: { 200: ResultObject("{ events: [{ id, title, start, end, scenario }] }") },
      },
    },
    async (req, reply) =>
      cached(reply, keyOf(req), async () => (await services.officers()).officerEventList(store)),
  );

  api.get(
    "/api/officers/events/:id",
    {
      schema: {
        summary:
          "One officer event: its staffing cut, its backtest (skill against no effect) and its sectors' encounters",
        params: EventParams,
        response: { 200: ResultObject("{ event, staffing, backtest, encounters, months }"), ...errors },
      },
    },
    async (req, reply) => {
      const { findEvent, loadOfficerEvents } = await services.events();
      const e = findEvent(loadOfficerEvents(store), req.params.id);
      return cached(reply, `officer-event/${e.id}`, async () =>
        (await services.officers()).officerEventAnswer(store, e.id),
      );
    },
  );

  api.get(
    "/api/stories/december-2023",
    {
      schema: {
        summary: "December 2023 as one chain: surge → officers → capacity → delayed trade",
        response: {
          200: ResultObject("{ steps, encounters, rule, closures, scenario, backtest, throughput, notes }"),
        },
      },
    },
    async (req, reply) =>
      cached(reply, keyOf(req), async () => (await services.officers()).december2023Story(store)),
  );

  api.get(
    "/api/waits",
    {
      schema: {
        summary:
          "Typical CBP wait by crossing, hour or weekday, from the archive `borderflow watch` keeps (not cached: it grows)",
        querystring: WaitsQuery,
        response: { 200: ResultObject("as `borderflow waits --json`"), ...errors },
      },
    },
    async (req) => (await services.waits()).waitSummary(opts.archiveDir ?? defaultArchiveDir(), req.query),
  );

  api.get(
    "/api/forecast",
    {
      schema: {
        summary:
          "Expected CBP wait and 80% interval for each coming hour, per crossing and lane, from the archive (not cached: it moves with the clock)",
        querystring: ForecastQuery,
        response: { 200: ResultObject("as `borderflow forecast --json`; see docs/api.md"), ...errors },
      },
    },
    async (req) =>
      (await services.forecast()).waitForecast(opts.archiveDir ?? defaultArchiveDir(), req.query),
  );

  if (opts.webRoot && existsSync(opts.webRoot)) await registerDashboard(app, opts.webRoot);
  return app;
}
