// Scale-out behind an existing load balancer: nginx (Debian's package) on loopback in front of N stateless
// `adapterkit serve` replicas over the same base model and adapter store, routing by adapter name with
// consistent hashing, so each adapter stays warm on one replica; when a replica dies nginx marks it down and
// its adapters move to the others (requests refused by a dead replica are retried there; only those already
// in flight on it fail). The same layout on Kubernetes is in the README.
//
//   npm run build && node dist/scripts/scale-out.js --model MODEL_DIR --adapters STORE [--replicas 2] [--port 8080]
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), "../src/cli/main.js");

export interface ScaleOutOptions {
  model: string;
  adapters: string;
  replicas: number;
  port: number; // nginx's; 0 picks a free one
  work?: string;
  serveArgs?: string[];
  log?: (line: string) => void;
}

export interface ScaleOut {
  url: string;
  replicas: Served[];
  /** nginx's folder: its config, pid and logs (a temporary one unless options.work named it: stop removes it) */
  work: string;
  stop(): Promise<void>;
}

/** nginx, or null with the reason it cannot run here. */
export function nginxMissing(): string | null {
  const r = spawnSync("nginx", ["-v"], { encoding: "utf8" });
  return r.error ? `nginx not found (${r.error.message}); apt-get install -y nginx` : null;
}

/** A running `adapterkit serve`: its URL, its process, what it wrote to stderr, and its exit (code or signal). */
export interface Served {
  url: string;
  proc: ChildProcess;
  stderr(): string;
  /** Sends the signal (default SIGTERM) and resolves with the exit code once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `adapterkit serve <args> --port 0` and resolves once it says where it listens. */
export function spawnServe(args: readonly string[]): Promise<Served> {
  const proc = spawn(process.execPath, [CLI, "serve", "--port", "0", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  proc.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((ok) => proc.once("exit", (code) => ok(code)));
  return new Promise((ok, fail) => {
    const t = setInterval(() => {
      const m = / at (http:\/\/127\.0\.0\.1:\d+);/.exec(err);
      if (m) {
        clearInterval(t);
        ok({
          url: m[1],
          proc,
          stderr: () => err,
          stop: (signal = "SIGTERM") => {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
            return exited;
          },
        });
      }
    }, 50);
    proc.once("exit", (code) => {
      clearInterval(t);
      fail(new Error(`serve exited (${code}) before listening:\n${err}`));
    });
  });
}

function freePort(): Promise<number> {
  return import("node:net").then(
    ({ createServer }) =>
      new Promise((ok) => {
        const s = createServer().listen(0, "127.0.0.1", () => {
          const address = s.address();
          const port = typeof address === "object" && address ? address.port : 0;
          s.close(() => ok(port));
        });
      }),
  );
}

export function nginxConfig(work: string, port: number, upstreams: readonly string[]): string {
  return `# written by scripts/scale-out.ts
daemon off;
worker_processes 1;
pid ${work}/nginx.pid;
error_log ${work}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${work}/body;
  proxy_temp_path ${work}/proxy;
  fastcgi_temp_path ${work}/fastcgi;
  uwsgi_temp_path ${work}/uwsgi;
  scgi_temp_path ${work}/scgi;
  client_max_body_size 1m;
  # the adapter name from /v1/adapters/{name}/..., else the whole URI (several-adapter and other routes)
  map $uri $adapter_key {
    ~^/v1/adapters/(?<name>[^/]+) $name;
    default $request_uri;
  }
  upstream adapterkit {
    hash $adapter_key consistent;
${upstreams.map((u) => `    server ${u.replace(/^http:\/\//, "")} max_fails=1 fail_timeout=30s;`).join("\n")}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://adapterkit;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # a refused connection (a dead replica) moves the request to the next server on the ring
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 1s;
      add_header X-AdapterKit-Upstream $upstream_addr always;
    }
  }
}
`;
}

export async function startScaleOut(o: ScaleOutOptions): Promise<ScaleOut> {
  const missing = nginxMissing();
  if (missing) throw new Error(`scale-out: ${missing}`);
  const log = o.log ?? (() => {});
  const replicas = await Promise.all(Array.from({ length: o.replicas }, () => spawnServe(["--model", o.model, "--adapters", o.adapters, ...(o.serveArgs ?? [])])));
  const work = o.work ?? mkdtempSync(join(tmpdir(), "adapterkit-nginx-"));
  for (const d of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(work, d), { recursive: true });
  const port = o.port || (await freePort());
  const conf = join(work, "nginx.conf");
  writeFileSync(
    conf,
    nginxConfig(
      work,
      port,
      replicas.map((r) => r.url),
    ),
  );
  const nginx = spawn("nginx", ["-c", conf, "-p", work], { stdio: ["ignore", "ignore", "pipe"] });
  let nginxErr = "";
  nginx.stderr?.on("data", (d: Buffer) => {
    nginxErr += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    // until nginx answers
    try {
      if ((await fetch(`${url}/health`)).status === 200) break;
    } catch {
      /* not yet */
    }
    if (nginx.exitCode !== null || i > 100) {
      await stop();
      throw new Error(`nginx did not start: ${nginxErr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  log(`nginx at ${url} (config ${conf}) in front of ${replicas.map((r) => r.url).join(", ")}`);
  return { url, replicas, work, stop };

  async function stop(): Promise<void> {
    await new Promise<void>((ok) => {
      if (nginx.exitCode !== null || nginx.signalCode !== null) return ok();
      nginx.once("exit", () => ok());
      nginx.kill("SIGQUIT");
    });
    await Promise.all(replicas.map((r) => r.stop()));
    if (!o.work) rmSync(work, { recursive: true, force: true }); // the folder this call made, logs and all
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string, fallback?: string): string => {
    const i = process.argv.indexOf(`--${name}`);
    const value = i >= 0 ? process.argv[i + 1] : fallback;
    if (value === undefined) throw new Error(`scale-out: expected --${name}`);
    return value;
  };
  const running = await startScaleOut({
    model: arg("model"),
    adapters: arg("adapters"),
    replicas: Number(arg("replicas", "2")),
    port: Number(arg("port", "8080")),
    log: (line) => console.error(line),
  });
  console.error(`scale-out: ${running.url}; Ctrl-C stops nginx and the replicas`);
  const stop = (): void => {
    void running.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
