// The webhook delivery against real local HTTP servers: redirects to another host are never followed (the
// detections would go somewhere the user did not name); a same-origin 307/308 keeps the POST.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { postWebhook } from "../../src/services/webhook.ts";

async function serve(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; server: Server; posts: string[] }> {
  const posts: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      posts.push(`${req.method} ${req.url} ${body}`);
      handler!(req, res);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, posts };
}

const noSleep = { sleep: async () => {} };

test("a 307 to another host is not followed; nothing reaches that host", async (t) => {
  const other = await serve((_q, res) => res.end("{}"));
  const hook = await serve((_q, res) => res.writeHead(307, { location: `${other.url}/steal` }).end());
  t.after(() => {
    other.server.close();
    hook.server.close();
  });
  const out = await postWebhook(`${hook.url}/hook`, { detections: [1] }, noSleep);
  assert.equal(out.ok, false);
  assert.ok(
    !out.ok && /HTTP 307 redirect to another host \(http:\/\/127\.0\.0\.1:\d+\) not followed/.test(out.error),
  );
  assert.ok(!out.ok && out.retryable === false);
  assert.equal(hook.posts.length, 1);
  assert.deepEqual(other.posts, []);
});

test("a same-origin 308 is followed with the same POST body; a 302 is not (it would become a GET)", async (t) => {
  const hook = await serve((q, res) => {
    if (q.url === "/old") res.writeHead(308, { location: "/new" }).end();
    else if (q.url === "/moved") res.writeHead(302, { location: "/new" }).end();
    else res.end("{}");
  });
  t.after(() => hook.server.close());
  const ok = await postWebhook(`${hook.url}/old`, { detections: [1] }, noSleep);
  assert.deepEqual(ok, { ok: true, attempts: 1, status: 200 });
  assert.deepEqual(hook.posts, ['POST /old {"detections":[1]}', 'POST /new {"detections":[1]}']);
  const no = await postWebhook(`${hook.url}/moved`, { detections: [2] }, noSleep);
  assert.ok(!no.ok && /HTTP 302 redirect that would turn the POST into a GET not followed/.test(no.error));
});
