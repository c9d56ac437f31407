// The operator page: reads the status every few seconds and redraws three tables. Every value goes in as text
// (textContent), never as markup. Long texts from elsewhere (errors, CommCare's answers) are cut short.
"use strict";

(function () {
  const body = document.body;
  const refreshMs = Math.max(1000, Number(body.dataset.refreshMs) || 5000);
  const statusUrl = body.dataset.statusUrl;
  const freshness = document.getElementById("freshness");
  const problem = document.getElementById("problem");
  let lastReadAt = null;

  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

  function clock(value) {
    return timeFormat.format(value);
  }

  function when(iso) {
    if (!iso) return "";
    const at = new Date(iso);
    const today = new Date();
    const sameDay = at.toDateString() === today.toDateString();
    return sameDay ? clock(at) : dayFormat.format(at) + " " + clock(at);
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + " s";
    const m = Math.floor(s / 60);
    if (m < 60) return m + " min";
    const h = Math.floor(m / 60);
    if (h < 48) return h + " h " + (m % 60) + " min";
    return Math.floor(h / 24) + " d " + (h % 24) + " h";
  }

  function ago(iso, now) {
    if (!iso) return "";
    return duration((now - new Date(iso)) / 1000) + " ago";
  }

  function shorten(text, max) {
    if (!text) return "";
    const flat = String(text).replace(/\s+/g, " ").trim();
    return flat.length > max ? flat.slice(0, max - 1) + "…" : flat;
  }

  function count(n) {
    return Number(n).toLocaleString();
  }

  function perMinute(n) {
    if (!n) return "0";
    return n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString();
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function badge(text, tone) {
    return el("span", "badge " + (tone || ""), text);
  }

  // One cell; content is text or nodes. The label is what a phone shows in front of the value.
  function cell(label, content, className) {
    const td = el("td", className);
    td.setAttribute("data-label", label);
    const value = el("span", "value");
    for (const part of [].concat(content)) {
      if (part === null || part === undefined || part === "") continue;
      value.append(typeof part === "string" ? document.createTextNode(part) : part);
    }
    if (!value.hasChildNodes()) td.classList.add("blank");
    td.append(value);
    return td;
  }

  // An object key that may wrap after each "/" rather than anywhere.
  function objectKey(key) {
    const parts = [];
    String(key).split("/").forEach((piece, i, all) => {
      parts.push(document.createTextNode(i < all.length - 1 ? piece + "/" : piece));
      if (i < all.length - 1) parts.push(document.createElement("wbr"));
    });
    return parts;
  }

  function fill(table, rows, emptyText) {
    const tbody = table.tBodies[0];
    const columns = table.tHead.rows[0].cells.length;
    if (rows.length === 0) {
      const tr = el("tr", "empty");
      const td = el("td", null, emptyText);
      td.colSpan = columns;
      tr.append(td);
      tbody.replaceChildren(tr);
      return;
    }
    tbody.replaceChildren(...rows);
  }

  function engineRow(engine, now) {
    const tr = el("tr");
    tr.dataset.engine = engine.engine;
    const waitingUnattended = engine.backlog > 0 && engine.liveHosts === 0;
    const hosts = engine.liveHosts > 0 ? String(engine.liveHosts) : badge("none", waitingUnattended ? "warn" : "");
    let lastError = el("span", "muted", "none");
    if (engine.lastError) {
      const recent = engine.lastErrorAt && now - new Date(engine.lastErrorAt) < 15 * 60 * 1000;
      lastError = el("span", recent ? "error" : "muted", shorten(engine.lastError, 160));
      lastError.append(el("span", "sub", when(engine.lastErrorAt) + " · " + ago(engine.lastErrorAt, now)));
    }
    tr.append(
      cell("Engine", engine.engine, "name"),
      cell("Backlog", count(engine.backlog), "num backlog"),
      cell("Lag", duration(engine.lagSeconds), "num lag"),
      cell("Hosts", hosts, "num hosts"),
      cell("Per min", perMinute(engine.itemsPerMinute), "num rate"),
      cell("Last error", lastError, "last-error wide"));
    return tr;
  }

  const fileTones = { processed: "ok", failed: "bad", duplicate: "", received: "info", processing: "info" };

  function fileRow(file) {
    const tr = el("tr");
    tr.dataset.fileId = String(file.id);
    let note = "";
    if (file.error) note = el("span", "error", shorten(file.error, 140));
    else if (file.duplicateOfFileId) note = el("span", "muted", "duplicate of #" + file.duplicateOfFileId);
    tr.append(
      cell("Id", "#" + file.id, "num name"),
      cell("File", objectKey(file.objectKey), "key wide"),
      cell("State", badge(file.state, fileTones[file.state]), "state half"),
      cell("Rows", count(file.rows), "num"),
      cell("New", count(file.new), "num"),
      cell("Dup", count(file.duplicate), "num"),
      cell("Bad", count(file.bad), "num"),
      cell("Received", when(file.receivedAt), "time half"),
      cell("Finished", file.finishedAt ? when(file.finishedAt) : el("span", "muted", "–"), "time half"),
      cell("Note", note, "note wide"));
    return tr;
  }

  function parkedRow(parked, now) {
    const tr = el("tr");
    tr.dataset.caseId = String(parked.indexCaseId);
    tr.append(
      cell("Case", ["#" + parked.indexCaseId, el("span", "sub", parked.externalId)], "name"),
      cell("County", parked.countyFips),
      cell("State", badge(parked.postState, parked.postState === "failed" ? "bad" : "warn"), "state"),
      cell("Since", [when(parked.changedAt), el("span", "sub", ago(parked.changedAt, now))], "time half"),
      cell("Reason", parked.reason ? shorten(parked.reason, 140) : el("span", "muted", "–"), "reason wide"));
    return tr;
  }

  function render(status) {
    const now = new Date(status.readAt);
    fill(document.getElementById("backlog"), status.engines.map(e => engineRow(e, now)), "No engines");
    fill(document.getElementById("files"), status.latestFiles.map(fileRow), "No files received yet");
    fill(document.getElementById("parked"), status.parkedCases.map(p => parkedRow(p, now)), "No parked cases");
    const shown = status.parkedCases.length;
    document.getElementById("parked-count").textContent = shown < status.parkedCaseCount
      ? "(" + count(status.parkedCaseCount) + " in all, latest " + count(shown) + " shown)"
      : "(" + count(status.parkedCaseCount) + ")";
  }

  async function refresh() {
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), Math.max(refreshMs * 2, 10000));
    try {
      const response = await fetch(statusUrl, { cache: "no-store", signal: abort.signal, headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("the server answered " + response.status + " " + response.statusText);
      const status = await response.json();
      render(status);
      lastReadAt = new Date(status.readAt);
      freshness.textContent = "Updated " + clock(lastReadAt) + " · every " + duration(refreshMs / 1000);
      freshness.classList.remove("stale");
      problem.hidden = true;
      body.dataset.state = "fresh";
    } catch (error) {
      const reason = error && error.name === "AbortError" ? "no answer in time" : (error && error.message) || "unknown error";
      problem.textContent = "Update failed at " + clock(new Date()) + ": " + reason +
        (lastReadAt ? ". Showing figures from " + clock(lastReadAt) + "." : ".");
      problem.hidden = false;
      freshness.textContent = lastReadAt ? "Last updated " + clock(lastReadAt) : "Not updated yet";
      freshness.classList.add("stale");
      body.dataset.state = "failed";
    } finally {
      clearTimeout(timeout);
      setTimeout(refresh, refreshMs);
    }
  }

  refresh();
})();
