#!/usr/bin/env node
// Viaduct local S3 + SQS: runs fauxqs (pinned 1.9.2, see package.json) on 127.0.0.1 only and
// delivers AWS-shaped S3 event notifications to SQS, which fauxqs itself does not do.
//
// How it hooks into fauxqs:
// - fauxqs' startFauxqs() always listens on 0.0.0.0, so the launcher builds the same app with the
//   exported buildApp() and its own store instances, and listens on 127.0.0.1 itself.
// - The S3 store calls `spy.addMessage({service:"s3", status:"uploaded"|"copied"|"deleted", ...})`
//   synchronously on every object write (PutObject, CompleteMultipartUpload, CopyObject) and
//   delete. The launcher installs its own spy object there, reads size/ETag from the store and
//   enqueues the event through fauxqs' own SendMessage action (same validation, long-poll
//   wake-up and redrive as a client's SendMessage).
// - fauxqs answers PutBucketNotificationConfiguration (PUT /bucket?notification) as CreateBucket
//   and forgets it, so a preHandler hook intercepts PUT/GET /bucket?notification, stores the
//   QueueConfigurations per bucket and answers like S3 (including the s3:TestEvent on save).
//
// Configuration (environment): FAUXQS_PORT (4566), FAUXQS_BIND (127.0.0.1), VIADUCT_BUCKET
// (viaduct-inbox), VIADUCT_INBOX_PREFIX (inbox/), VIADUCT_QUEUE (viaduct-e1-events), VIADUCT_DLQ
// (viaduct-e1-events-dlq), VIADUCT_MAX_RECEIVE (5), VIADUCT_VISIBILITY_TIMEOUT (60),
// FAUXQS_DEFAULT_REGION (us-east-1), FAUXQS_HOST (unset: queue URLs are http://127.0.0.1:PORT/
// 000000000000/NAME), FAUXQS_LOGGER (false: no per-request log), VIADUCT_LAUNCHER_QUIET (false:
// one log line per delivered event).

import { randomBytes, randomUUID } from "node:crypto";

const fauxqsEntry = import.meta.resolve("fauxqs"); // .../node_modules/fauxqs/dist/app.js
const internal = (rel) => import(new URL(rel, fauxqsEntry).href);

const { buildApp } = await import(fauxqsEntry);
const { SqsStore } = await internal("./sqs/sqsStore.js");
const { SnsStore } = await internal("./sns/snsStore.js");
const { S3Store } = await internal("./s3/s3Store.js");
const { sendMessage } = await internal("./sqs/actions/sendMessage.js");
const { decodeAwsChunked } = await internal("./s3/chunkedEncoding.js");

// ---------------------------------------------------------------------------------------------
// Configuration

function envInt(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(`${name}=${raw} is not an integer in [${min}, ${max}]`);
  }
  return value;
}

function fail(message) {
  console.error(`launcher: ${message}`);
  process.exit(1);
}

const config = {
  port: envInt("FAUXQS_PORT", 4566, 0, 65535),
  bind: process.env.FAUXQS_BIND || "127.0.0.1",
  region: process.env.FAUXQS_DEFAULT_REGION || "us-east-1",
  bucket: process.env.VIADUCT_BUCKET || "viaduct-inbox",
  prefix: process.env.VIADUCT_INBOX_PREFIX ?? "inbox/",
  queue: process.env.VIADUCT_QUEUE || "viaduct-e1-events",
  dlq: process.env.VIADUCT_DLQ || "viaduct-e1-events-dlq",
  maxReceive: envInt("VIADUCT_MAX_RECEIVE", 5, 1, 1000),
  visibilityTimeout: envInt("VIADUCT_VISIBILITY_TIMEOUT", 60, 0, 43200),
  logger: (process.env.FAUXQS_LOGGER ?? "false").toLowerCase() === "true",
  quiet: (process.env.VIADUCT_LAUNCHER_QUIET ?? "false").toLowerCase() === "true",
};
const ACCOUNT = "000000000000";
const DEFAULT_CONFIGURATION_ID = "viaduct";

function log(message) {
  if (!config.quiet) console.log(`${new Date().toISOString()} ${message}`);
}
function warn(message) {
  console.error(`${new Date().toISOString()} WARN ${message}`);
}

// ---------------------------------------------------------------------------------------------
// fauxqs stores and app

const sqsStore = new SqsStore();
const snsStore = new SnsStore();
const s3Store = new S3Store();
sqsStore.region = config.region;
snsStore.region = config.region;
// Empty host: queue URLs use the request's Host (http://127.0.0.1:PORT/000000000000/NAME), which
// every client can reach; fauxqs' default host gives http://sqs.REGION.localhost:PORT/..., a name
// that does not resolve everywhere.
sqsStore.host = process.env.FAUXQS_HOST ?? "";

// fauxqs finds a queue by its exact URL string. Let any URL whose path ends in
// /<account>/<name> (localhost vs 127.0.0.1, sqs.REGION.localhost, ...) find the queue by name.
function queueFromUrl(url) {
  if (typeof url !== "string") return undefined;
  const match = /\/(\d{12})\/([^/?#]+)\/?(?:[?#].*)?$/.exec(url);
  return match ? sqsStore.getQueueByName(decodeURIComponent(match[2])) : undefined;
}
const originalGetQueue = sqsStore.getQueue.bind(sqsStore);
sqsStore.getQueue = (url) => originalGetQueue(url) ?? queueFromUrl(url);
const originalDeleteQueue = sqsStore.deleteQueue.bind(sqsStore);
sqsStore.deleteQueue = (url) => {
  const queue = sqsStore.getQueue(url);
  return queue ? originalDeleteQueue(queue.url) : false;
};

// Per-bucket notification configurations set through PutBucketNotificationConfiguration.
// bucket -> [{ id, queueArn, events: [..], rules: [{ name: "prefix"|"suffix", value }] }]
const notificationConfigs = new Map();

const originalDeleteBucket = s3Store.deleteBucket.bind(s3Store);
s3Store.deleteBucket = (name) => {
  originalDeleteBucket(name);
  notificationConfigs.delete(name); // S3 drops the configuration with the bucket
};
const originalPurgeAll = s3Store.purgeAll.bind(s3Store);
s3Store.purgeAll = () => {
  originalPurgeAll();
  notificationConfigs.clear();
};

// ---------------------------------------------------------------------------------------------
// S3 event records

let sequenceCounter = 0n;
let lastSequenceMs = 0n;
/** Hex sequencer that increases for every event, like S3's (ordering per key). */
function nextSequencer() {
  const now = BigInt(Date.now());
  if (now !== lastSequenceMs) {
    lastSequenceMs = now;
    sequenceCounter = 0n;
  }
  sequenceCounter += 1n;
  return ((now << 20n) | (sequenceCounter & 0xfffffn)).toString(16).toUpperCase().padStart(18, "0");
}

/**
 * Object keys in S3 event notifications are URL-encoded the way S3 does it
 * (application/x-www-form-urlencoded, '/' kept): "inbox/a b.txt" -> "inbox/a+b.txt".
 */
function encodeEventKey(key) {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, "+")
    .replace(/%2F/g, "/");
}

function requestId() {
  return randomBytes(8).toString("hex").toUpperCase();
}
function hostId() {
  return randomBytes(48).toString("base64");
}

function eventRecord(event, configurationId) {
  const object = { key: encodeEventKey(event.key) };
  if (event.eventName.startsWith("ObjectCreated:")) {
    object.size = event.size;
    object.eTag = event.eTag;
  }
  object.sequencer = event.sequencer;
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: config.region,
    eventTime: event.eventTime,
    eventName: event.eventName,
    userIdentity: { principalId: "AWS:" + ACCOUNT },
    requestParameters: { sourceIPAddress: "127.0.0.1" },
    responseElements: { "x-amz-request-id": event.requestId, "x-amz-id-2": event.hostId },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId,
      bucket: {
        name: event.bucket,
        ownerIdentity: { principalId: ACCOUNT },
        arn: `arn:aws:s3:::${event.bucket}`,
      },
      object,
    },
  };
}

function testEventBody(bucket) {
  return JSON.stringify({
    Service: "Amazon S3",
    Event: "s3:TestEvent",
    Time: new Date().toISOString(),
    Bucket: bucket,
    RequestId: requestId(),
    HostId: hostId(),
  });
}

// ---------------------------------------------------------------------------------------------
// Routing: which queues get an event

function eventMatches(patterns, eventName) {
  const full = "s3:" + eventName;
  return patterns.some((p) => p === full || (p.endsWith("*") && full.startsWith(p.slice(0, -1))));
}

function filterMatches(rules, key) {
  return rules.every((r) =>
    r.name === "prefix" ? key.startsWith(r.value) : r.name === "suffix" ? key.endsWith(r.value) : true,
  );
}

function queueByArn(arn) {
  const queue = sqsStore.getQueueByArn(arn);
  if (queue) return queue;
  const name = arn.split(":").slice(5).join(":");
  return name ? sqsStore.getQueueByName(name) : undefined;
}

/** [{ queue, configurationId }] for one event, at most one entry per queue. */
function targetsFor(event) {
  const targets = new Map();
  const add = (queue, configurationId) => {
    if (queue && !targets.has(queue.arn)) targets.set(queue.arn, { queue, configurationId });
  };
  if (
    event.bucket === config.bucket &&
    event.key.startsWith(config.prefix) &&
    event.eventName.startsWith("ObjectCreated:")
  ) {
    const queue = sqsStore.getQueueByName(config.queue);
    if (!queue) warn(`default queue ${config.queue} is gone; event for ${event.key} dropped`);
    add(queue, DEFAULT_CONFIGURATION_ID);
  }
  for (const c of notificationConfigs.get(event.bucket) ?? []) {
    if (!eventMatches(c.events, event.eventName) || !filterMatches(c.rules, event.key)) continue;
    const queue = queueByArn(c.queueArn);
    if (!queue) warn(`queue ${c.queueArn} of configuration ${c.id} is gone; event dropped`);
    add(queue, c.id);
  }
  return [...targets.values()];
}

function enqueue(queue, body) {
  const request = { QueueUrl: queue.url, MessageBody: body };
  if (queue.isFifo()) {
    request.MessageGroupId = "s3";
    request.MessageDeduplicationId = randomUUID();
  }
  sendMessage(request, sqsStore);
}

function deliver(event) {
  for (const { queue, configurationId } of targetsFor(event)) {
    try {
      enqueue(queue, JSON.stringify({ Records: [eventRecord(event, configurationId)] }));
      log(`event ${event.eventName} s3://${event.bucket}/${event.key} -> ${queue.name}`);
    } catch (err) {
      warn(`could not deliver ${event.eventName} s3://${event.bucket}/${event.key} to ${queue.name}: ${err?.message ?? err}`);
    }
  }
}

// The S3 store reports object writes synchronously through its spy. A CopyObject reports
// "uploaded" then "copied" for the same key in the same tick, so events are collected and
// flushed in a microtask (before any further request is served).
const pendingEvents = [];
let flushScheduled = false;
function flushEvents() {
  flushScheduled = false;
  const events = pendingEvents.splice(0);
  for (const event of events) deliver(event);
}
function queueEvent(event) {
  pendingEvents.push(event);
  if (!flushScheduled) {
    flushScheduled = true;
    queueMicrotask(flushEvents);
  }
}

function baseEvent(message, eventName) {
  return {
    bucket: message.bucket,
    key: message.key,
    eventName,
    eventTime: new Date(message.timestamp ?? Date.now()).toISOString(),
    sequencer: nextSequencer(),
    requestId: requestId(),
    hostId: hostId(),
  };
}

s3Store.spy = {
  addMessage(message) {
    if (message?.service !== "s3") return;
    switch (message.status) {
      case "uploaded": {
        const obj = s3Store.buckets.get(message.bucket)?.get(message.key);
        const eTag = String(obj?.etag ?? "").replaceAll('"', "");
        const event = baseEvent(
          message,
          eTag.includes("-") ? "ObjectCreated:CompleteMultipartUpload" : "ObjectCreated:Put",
        );
        event.size = obj?.contentLength ?? 0;
        event.eTag = eTag;
        queueEvent(event);
        break;
      }
      case "copied": {
        for (let i = pendingEvents.length - 1; i >= 0; i--) {
          const e = pendingEvents[i];
          if (e.bucket === message.bucket && e.key === message.key && e.eventName.startsWith("ObjectCreated:")) {
            e.eventName = "ObjectCreated:Copy";
            break;
          }
        }
        break;
      }
      case "deleted":
        queueEvent(baseEvent(message, "ObjectRemoved:Delete"));
        break;
      default:
        break;
    }
  },
};

// ---------------------------------------------------------------------------------------------
// PutBucketNotificationConfiguration / GetBucketNotificationConfiguration

function unescapeXml(s) {
  return s
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'")
    .replaceAll("&amp;", "&");
}
function escapeXml(s) {
  return String(s)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}
function elements(xml, tag) {
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, "g");
  return [...xml.matchAll(re)].map((m) => m[1]);
}
function element(xml, tag) {
  const found = elements(xml, tag);
  return found.length ? unescapeXml(found[0].trim()) : undefined;
}

class S3ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** Parses a NotificationConfiguration document (also the legacy QueueConfiguration form). */
function parseNotificationConfiguration(xml) {
  if (xml.trim() && !/<NotificationConfiguration[\s>/]/.test(xml)) {
    throw new S3ApiError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
  }
  const configs = [];
  const ignored = [];
  for (const tag of ["TopicConfiguration", "CloudFunctionConfiguration", "LambdaFunctionConfiguration"]) {
    if (elements(xml, tag).length) ignored.push(tag);
  }
  if (/<EventBridgeConfiguration[\s>/]/.test(xml)) ignored.push("EventBridgeConfiguration");
  for (const body of elements(xml, "QueueConfiguration")) {
    const queueArn = element(body, "Queue");
    const events = elements(body, "Event").map((e) => unescapeXml(e.trim()));
    if (!queueArn || events.length === 0) {
      throw new S3ApiError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
    }
    const rules = elements(body, "FilterRule").map((r) => ({
      name: (element(r, "Name") ?? "").toLowerCase(),
      value: element(r, "Value") ?? "",
    }));
    for (const r of rules) {
      if (r.name !== "prefix" && r.name !== "suffix") {
        throw new S3ApiError("InvalidArgument", `filter rule name must be either prefix or suffix`, 400);
      }
    }
    configs.push({ id: element(body, "Id") || randomUUID(), queueArn, events, rules });
  }
  return { configs, ignored };
}

function notificationXml(bucket) {
  const configs = [...(notificationConfigs.get(bucket) ?? [])];
  if (bucket === config.bucket && !configs.some((c) => c.id === DEFAULT_CONFIGURATION_ID)) {
    const queue = sqsStore.getQueueByName(config.queue);
    configs.unshift({
      id: DEFAULT_CONFIGURATION_ID,
      queueArn: queue?.arn ?? `arn:aws:sqs:${config.region}:${ACCOUNT}:${config.queue}`,
      events: ["s3:ObjectCreated:*"],
      rules: config.prefix ? [{ name: "prefix", value: config.prefix }] : [],
    });
  }
  const parts = configs.map((c) => {
    const filter = c.rules.length
      ? `<Filter><S3Key>${c.rules
          .map((r) => `<FilterRule><Name>${r.name}</Name><Value>${escapeXml(r.value)}</Value></FilterRule>`)
          .join("")}</S3Key></Filter>`
      : "";
    const events = c.events.map((e) => `<Event>${escapeXml(e)}</Event>`).join("");
    return `<QueueConfiguration><Id>${escapeXml(c.id)}</Id><Queue>${escapeXml(c.queueArn)}</Queue>${events}${filter}</QueueConfiguration>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts.join("")}</NotificationConfiguration>`;
}

function s3ErrorXml(code, message, resource) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><Resource>${escapeXml(resource)}</Resource><RequestId>${requestId()}</RequestId></Error>`;
}

function bodyText(request) {
  let body = request.body;
  if (body === undefined || body === null) return "";
  if (!Buffer.isBuffer(body)) body = Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  const encoding = String(request.headers["content-encoding"] ?? "");
  if (encoding.includes("aws-chunked")) body = decodeAwsChunked(body);
  return body.toString("utf-8");
}

async function handleNotificationRequest(request, reply) {
  const bucket = request.params.bucket;
  reply.header("content-type", "application/xml");
  if (!s3Store.hasBucket(bucket)) {
    return reply.status(404).send(s3ErrorXml("NoSuchBucket", "The specified bucket does not exist", `/${bucket}`));
  }
  if (request.method === "GET") {
    return reply.status(200).send(notificationXml(bucket));
  }
  try {
    const { configs, ignored } = parseNotificationConfiguration(bodyText(request));
    const skipValidation = String(request.headers["x-amz-skip-destination-validation"] ?? "") === "true";
    const missing = configs.filter((c) => !queueByArn(c.queueArn));
    if (missing.length && !skipValidation) {
      throw new S3ApiError(
        "InvalidArgument",
        `Unable to validate the following destination configurations: ${missing.map((c) => c.queueArn).join(", ")}`,
        400,
      );
    }
    if (configs.length) notificationConfigs.set(bucket, configs);
    else notificationConfigs.delete(bucket);
    if (ignored.length) warn(`bucket ${bucket}: ${ignored.join(", ")} stored nowhere (only QueueConfiguration is delivered)`);
    log(`bucket ${bucket}: ${configs.length} queue notification configuration(s) saved`);
    // S3 sends an s3:TestEvent to each destination when a configuration is saved.
    const seen = new Set();
    for (const c of configs) {
      const queue = queueByArn(c.queueArn);
      if (!queue || seen.has(queue.arn)) continue;
      seen.add(queue.arn);
      try {
        enqueue(queue, testEventBody(bucket));
      } catch (err) {
        warn(`could not send s3:TestEvent to ${queue.name}: ${err?.message ?? err}`);
      }
    }
    return reply.status(200).send("");
  } catch (err) {
    if (err instanceof S3ApiError) {
      return reply.status(err.status).send(s3ErrorXml(err.code, err.message, `/${bucket}`));
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Start

const app = buildApp({ logger: config.logger, stores: { sqsStore, snsStore, s3Store } });

app.addHook("preHandler", async (request, reply) => {
  if (request.method !== "PUT" && request.method !== "GET") return;
  const query = request.query;
  if (!query || typeof query !== "object" || !Object.hasOwn(query, "notification")) return;
  const params = request.params ?? {};
  if (!params.bucket || (params["*"] ?? "") !== "") return; // object-level request
  await handleNotificationRequest(request, reply);
  return reply;
});

let address;
try {
  address = await app.listen({ port: config.port, host: config.bind });
} catch (err) {
  fail(`cannot listen on ${config.bind}:${config.port}: ${err?.code ?? ""} ${err?.message ?? err}`);
}
const port = app.server.address().port;
const hostPort = `${config.bind === "0.0.0.0" ? "127.0.0.1" : config.bind}:${port}`;

function ensureQueue(name, attributes) {
  const existing = sqsStore.getQueueByName(name);
  if (existing) {
    existing.setAttributes(attributes);
    return existing;
  }
  const arn = `arn:aws:sqs:${config.region}:${ACCOUNT}:${name}`;
  const url = sqsStore.buildQueueUrl(name, String(port), hostPort, config.region);
  return sqsStore.createQueue(name, url, arn, attributes, {});
}

s3Store.createBucket(config.bucket);
const dlq = ensureQueue(config.dlq, {
  VisibilityTimeout: String(config.visibilityTimeout),
  MessageRetentionPeriod: "1209600",
});
const queue = ensureQueue(config.queue, {
  VisibilityTimeout: String(config.visibilityTimeout),
  RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: config.maxReceive }),
});
// Like S3 when the bucket's notification configuration is saved.
enqueue(queue, testEventBody(config.bucket));

log(
  `bucket ${config.bucket} prefix "${config.prefix}" -> queue ${queue.url} ` +
    `(dlq ${dlq.name}, maxReceiveCount ${config.maxReceive}, visibility ${config.visibilityTimeout}s)`,
);
console.log(`fauxqs ready on http://${hostPort}`);
void address;

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  const timer = setTimeout(() => {
    warn("forced exit after 5 s");
    process.exit(0);
  }, 5000);
  timer.unref();
  try {
    await app.close();
  } catch (err) {
    warn(`close failed: ${err?.message ?? err}`);
  }
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
