// Express of the forbidden-kit rig: express-rate-limit, helmet, csrf-csrf,
// express-ipfilter, basic-auth and express.static, configured as their READMEs show.
//   node app.js HOST PORT
"use strict";
const express = require("express");
const helmet = require("helmet");
const cookieParser = require("cookie-parser");
const { rateLimit } = require("express-rate-limit");
const { doubleCsrf } = require("csrf-csrf");
const { IpFilter, IpDeniedError } = require("express-ipfilter");
const basicAuth = require("basic-auth");
const path = require("path");

const [host, port] = [process.argv[2] || "127.0.0.21", Number(process.argv[3] || 8080)];
const app = express();
app.disable("x-powered-by");
app.use(helmet());
app.use(cookieParser());
app.use(express.urlencoded({ extended: false }));

// Addresses refused everywhere, and an allowlist for /internal/.
app.use(IpFilter(["127.0.0.98"], { mode: "deny", log: false }));
app.use("/internal", IpFilter(["127.0.0.1"], { mode: "allow", log: false }));

// Host-wide sites, dispatched on the Host header as the vhost middleware does.
// edge.rig.test: the whole app only for the listed address (app-level express-ipfilter).
const edge = express.Router({ strict: true });
edge.use(IpFilter(["127.0.0.1"], { mode: "allow", log: false }));
edge.get(["/", "/public/", "/v1/items/"], (req, res) => res.type("text").send("edge\n"));
// quota.rig.test: one express-rate-limit for every path (default 429).
const quota = express.Router({ strict: true });
quota.use(rateLimit({ windowMs: 10 * 1000, limit: 5, standardHeaders: "draft-7", legacyHeaders: false }));
quota.get(["/", "/public/", "/v1/items/"], (req, res) => res.type("text").send("quota\n"));
// gw.rig.test: an API gateway; unmapped routes and methods get API Gateway's 403.
const gw = express.Router({ strict: true });
gw.get("/v1/items", (req, res) => res.json({ items: [] }));
gw.get("/v1/reports/", (req, res) => res.json({ reports: [] }));
gw.all("*", (req, res) => res.status(403).json({ message: "Missing Authentication Token" }));
const SITES = { "edge.rig.test": edge, "quota.rig.test": quota, "gw.rig.test": gw };
app.use((req, res, next) => (SITES[req.hostname] ? SITES[req.hostname](req, res, next) : next()));

// Rate limits: 5 requests per 10 s per address; one answers 403, the other the default 429.
app.use("/limited403", rateLimit({ windowMs: 10 * 1000, limit: 5, statusCode: 403,
  standardHeaders: "draft-7", legacyHeaders: false }));
app.use("/limited429", rateLimit({ windowMs: 10 * 1000, limit: 5,
  standardHeaders: "draft-7", legacyHeaders: false }));

// CSRF (double submit cookie) for /forms.
const { doubleCsrfProtection } = doubleCsrf({
  getSecret: () => "rig-csrf-secret",
  cookieName: "x-csrf-token",
  cookieOptions: { sameSite: "lax", path: "/", secure: false },
});
app.use("/forms", doubleCsrfProtection);

const USERS = { alice: { password: "alice-pass", roles: ["admin", "user"] },
                bob: { password: "bob-pass", roles: ["user"] },
                carol: { password: "carol-pass", roles: ["user"] } };
const KEYS = { "rig-key-alice-0001": "alice", "rig-key-bob-0002": "bob" };

function requireUser(role) {
  return (req, res, next) => {
    const cred = basicAuth(req);
    if (!cred || !USERS[cred.name] || USERS[cred.name].password !== cred.pass) {
      res.set("WWW-Authenticate", 'Basic realm="rig"');
      return res.status(401).send("Unauthorized");
    }
    if (role && !USERS[cred.name].roles.includes(role)) {
      return res.sendStatus(403);
    }
    req.user = cred.name;
    next();
  };
}

function requireKey(role) {
  return (req, res, next) => {
    const key = req.get("X-API-Key");
    if (!key) return res.status(401).json({ error: "missing API key" });
    const user = KEYS[key];
    if (!user) return res.sendStatus(403);
    if (role && !USERS[user].roles.includes(role)) return res.sendStatus(403);
    req.user = user;
    next();
  };
}

app.get(["/", "/public/"], (req, res) => res.type("text").send("express home\n"));
app.get("/internal/", (req, res) => res.type("text").send("internal\n"));
app.get("/limited403/", (req, res) => res.type("text").send("limited 403\n"));
app.get("/limited429/", (req, res) => res.type("text").send("limited 429\n"));
app.get("/private/", requireUser(), (req, res) => res.json({ user: req.user }));
app.get("/admin/", requireUser("admin"), (req, res) => res.json({ admin: true }));
app.get("/v1/items/", requireKey(), (req, res) => res.json({ items: [], user: req.user }));
// A quota per API key (keyGenerator), answering 429.
app.get("/v1/reports/", requireKey(), rateLimit({ windowMs: 10 * 1000, limit: 5,
  keyGenerator: (req) => req.get("X-API-Key"), standardHeaders: "draft-7", legacyHeaders: false }),
  (req, res) => res.json({ reports: [], user: req.user }));
app.get("/v1/admin/", requireKey("admin"), (req, res) => res.json({ admin: true }));
app.get("/forms/", (req, res) => res.type("text").send("form\n"));
app.post("/forms/", (req, res) => res.type("text").send("form accepted\n"));
// Static files; dotfiles are refused (serve-static's dotfiles: "deny").
app.use("/static", express.static(path.join(__dirname, "static"), { dotfiles: "deny", fallthrough: false }));

app.use((err, req, res, next) => {
  if (err instanceof IpDeniedError) {
    return res.status(403).send("Forbidden");
  }
  const status = err.status || err.statusCode || 500;
  res.status(status).type("text").send(status === 404 ? "Not Found" : status < 500 ? err.message : "Internal Server Error");
});

app.listen(port, host, () => console.log(`express rig on http://${host}:${port}`));
