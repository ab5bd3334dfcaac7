// Live chat room client. The server saves each message before anyone hears of it; this script
// remembers the highest message id it has without a gap (contiguous, not merely the highest seen)
// and the revision, asks for what it missed on reconnect or when a gap in live delivery is not
// filled within a moment, drops duplicates by id, and resends unacknowledged messages with the
// same client_msg_id.
"use strict";

(() => {
  const root = document.getElementById("chat");
  if (!root) return;
  // Words shown, from the page language's djangojs catalogue (the script before this one).
  const S = {
    online: gettext("Connected."),
    offline: gettext("The room is offline. Reconnecting…"),
    reconnecting: gettext("Reconnecting… next try in %(seconds)s s."),
    waitingNetwork: gettext("You are offline. The room reconnects when your connection is back."),
    closed: gettext("You no longer have access to this room."),
    here: gettext("Here now:"),
    facilitator: gettext("Facilitator"),
    typing: gettext("%(name)s is typing…"),
    edited: gettext("(edited)"),
    held: gettext("Waiting for a facilitator; only you can see this."),
    report: gettext("Report"),
    reported: gettext("Reported"),
    edit: gettext("Edit"),
    remove: gettext("Remove"),
    mute: gettext("Mute"),
    confirmRemove: gettext("Remove this message for everyone?"),
    saveEdit: gettext("Save edit"),
    send: gettext("Send"),
    empty: gettext("Write a message first."),
    newMessage: gettext("New message from %(name)s: %(body)s"),
    removedMessage: gettext("A message was removed."),
    caughtUp: gettext("New messages while you were away: %(count)s"),
    locked: gettext("A facilitator has locked the room: only facilitators can write now."),
    ended: gettext("This room has ended."),
    live: gettext("Session in progress with %(name)s"),
    reportAs: gettext("Why are you reporting this message?"),
    sendReport: gettext("Send report"),
    cancel: gettext("Cancel"),
    tooManyConnects: gettext("The room was opened too often. Trying again in %(seconds)s s."),
    startSession: gettext("Start live session"),
    endSession: gettext("End live session"),
    lock: gettext("Lock room"),
    unlock: gettext("Unlock room"),
    endRoom: gettext("End room"),
    reopen: gettext("Open room again"),
    unsent: gettext("Not sent yet: it goes out when the room reconnects."),
  };
  const initial = JSON.parse(document.getElementById("chat-initial").textContent);
  const reasons = JSON.parse(document.getElementById("chat-reasons").textContent);
  const $ = (id) => document.getElementById(id);
  const els = {
    list: $("chat-messages"), form: $("chat-form"), body: $("chat-body"), send: $("chat-send"),
    error: $("chat-error"), notice: $("chat-notice"), connection: $("chat-connection"),
    presence: $("chat-presence"), typing: $("chat-typing"), announcer: $("chat-announcer"),
    live: $("chat-live"), state: $("chat-state"), older: $("chat-older"), crisis: $("chat-crisis"),
    controls: $("chat-controls"), muteMinutes: $("chat-mute-minutes"), write: $("chat-write"),
  };
  const me = Number(root.dataset.userId);
  // Privacy: messages by people this member blocked are folded away (the server does the same).
  const blocked = new Set((root.dataset.blockedIds || "").split(",").filter(Boolean).map(Number));
  const canManage = root.dataset.canManage === "1";
  const heartbeatMs = Number(root.dataset.heartbeat) * 1000;
  const historyPage = Number(root.dataset.historyPage);
  const clock = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",  // 24-hour, like the rest of the site
    timeZone: root.dataset.timeZone || undefined,
  });
  const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_, key) => values[key]);

  const state = {
    // Every message up to `contiguous` is here (or hidden from this person); `ahead` holds ids
    // that arrived early. With several daphne processes 6 can arrive before 5. `known` is the
    // highest id the server has said exists (a heartbeat's reply), arrived or not.
    contiguous: Number(root.dataset.lastSeenId), ahead: new Set(), gapTimer: null, gapAsked: false,
    known: 0,
    rev: Number(root.dataset.rev),
    socket: null, online: false, closedForGood: false, retries: 0, retryTimer: null,
    lastPong: 0, lastTyping: 0, typingTimer: null, editing: null, lastEdit: null,
    // May this person write here at all (a sanction or a read-only group says no, and why)?
    // The server sends it on connect and whenever it changes; the room's lock and end apart.
    write: { allowed: root.dataset.writeAllowed !== "0", reason: root.dataset.writeReason, until: root.dataset.writeUntil || null },
    writeTimer: null,
    room: { locked: false, ended: false, live_with: null },
  };
  const rendered = new Map(); // message id -> {li, rev}
  const outbox = new Map(); // client_msg_id -> frame, until the server echoes the message

  function uuid4() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // --- messages in the list -------------------------------------------------------------
  function button(label, onClick, extra = "") {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `btn btn-link ${extra}`;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function buildItem(m) {
    const li = document.createElement("li");
    li.className = "chat-message" + (m.held ? " is-held" : "");
    li.id = `message-${m.id}`;
    li.dataset.id = m.id;
    const meta = document.createElement("p");
    meta.className = "chat-meta";
    const who = document.createElement("span");
    who.className = "chat-author";
    who.textContent = m.author;
    const when = document.createElement("time");
    when.dateTime = m.created;
    when.textContent = clock.format(new Date(m.created));
    meta.append(who);
    // The role comes from the membership (never from the name), so nobody can borrow it.
    if (m.is_facilitator) meta.append(Object.assign(document.createElement("span"), { className: "badge text-bg-info chat-role", textContent: S.facilitator }));
    meta.append(when);
    if (m.edited) meta.append(Object.assign(document.createElement("span"), { className: "chat-edited", textContent: S.edited }));
    if (m.held) meta.append(Object.assign(document.createElement("span"), { className: "chat-held", textContent: S.held }));
    const actions = document.createElement("span");
    actions.className = "chat-actions";
    if (m.author_id === me) {
      actions.append(button(S.edit, () => startEdit(m)));
    } else {
      actions.append(button(S.report, (e) => askReason(m, e.target)));
      if (canManage) {
        actions.append(button(S.remove, () => {
          if (window.confirm(S.confirmRemove)) sendFrame({ type: "remove", id: m.id });
        }, "text-danger"));
        if (m.author_id) actions.append(button(S.mute, () => sendFrame({
          type: "mute", user_id: m.author_id, minutes: Number(els.muteMinutes.value),
        })));
      }
    }
    meta.append(actions);
    const body = document.createElement("p");
    body.className = "chat-body";
    body.textContent = m.body;
    if (blocked.has(m.author_id)) {
      const folded = Object.assign(document.createElement("details"), { className: "blocked-content" });
      folded.append(Object.assign(document.createElement("summary"), { textContent: root.dataset.blockedLabel }), body);
      li.append(meta, folded);
    } else {
      li.append(meta, body);
    }
    return li;
  }

  // A report carries a reason, the same ones as posts ("at risk" starts the crisis path).
  function askReason(m, opener) {
    const form = Object.assign(document.createElement("span"), { className: "chat-report" });
    const select = Object.assign(document.createElement("select"), { className: "form-select form-select-sm d-inline-block w-auto" });
    select.setAttribute("aria-label", S.reportAs);
    select.append(Object.assign(document.createElement("option"), { value: "", textContent: S.reportAs }));
    reasons.forEach(([value, label]) => select.append(Object.assign(document.createElement("option"), { value, textContent: label })));
    const send = button(S.sendReport, () => {
      if (!select.value) { select.focus(); return; }
      if (sendFrame({ type: "report", id: m.id, reason: select.value })) {
        form.remove();
        opener.disabled = true;
      }
    });
    form.append(select, send, button(S.cancel, () => { form.remove(); opener.hidden = false; }));
    opener.hidden = true;
    opener.after(form);
    select.focus();
  }

  function isNearBottom() {
    const l = els.list;
    return l.scrollHeight - l.scrollTop - l.clientHeight < 80;
  }

  // The gap after `contiguous` closes up to `upTo` (a server reply covers it), then through any
  // ids that arrived early. While a gap remains, ask for the messages after `contiguous` if it
  // is not filled within GAP_WAIT_MS; asking again every GAP_WAIT_MS until it is, but never
  // while an earlier request is still unanswered (a slow server would get the same question
  // over and over).
  const GAP_WAIT_MS = 1500;
  const missing = () => state.ahead.size > 0 || state.known > state.contiguous;
  function advance(upTo = state.contiguous) {
    state.contiguous = Math.max(state.contiguous, upTo);
    state.ahead.forEach((id) => { if (id <= state.contiguous) state.ahead.delete(id); });
    while (state.ahead.delete(state.contiguous + 1)) state.contiguous += 1;
    if (!missing()) {
      clearTimeout(state.gapTimer);
      state.gapTimer = null;
    } else if (!state.gapTimer) {
      state.gapTimer = setTimeout(fillGap, GAP_WAIT_MS);
    }
  }

  function fillGap() {
    state.gapTimer = null;
    if (!missing()) return;
    askAfter();
    state.gapTimer = setTimeout(fillGap, GAP_WAIT_MS);
  }

  function askAfter() {
    if (!state.gapAsked) state.gapAsked = sendFrame({ type: "fetch_after", after: state.contiguous });
  }

  // Insert or update one message; a copy we already have (same id, same revision) is dropped.
  function upsert(m, { announce = false } = {}) {
    outbox.delete(m.client_msg_id);
    if (state.lastEdit?.id === m.id) state.lastEdit = null;
    if (m.id > state.contiguous) { state.ahead.add(m.id); advance(); }
    state.rev = Math.max(state.rev, m.rev);
    const known = rendered.get(m.id);
    if (known && known.rev >= m.rev) return;
    const li = buildItem(m);
    if (known) {
      known.li.replaceWith(li);
    } else {
      els.list.querySelector(".chat-empty")?.remove();
      const after = [...rendered.keys()].filter((id) => id > m.id).sort((a, b) => a - b)[0];
      const stick = isNearBottom();
      els.list.insertBefore(li, after ? rendered.get(after).li : null);
      if (stick && !after) els.list.scrollTop = els.list.scrollHeight;
      if (announce && m.author_id !== me && !blocked.has(m.author_id)) {
        els.announcer.textContent = fmt(S.newMessage, { name: m.author, body: m.body });
      }
    }
    rendered.set(m.id, { li, rev: m.rev });
  }

  function removeMessage(id) {
    const known = rendered.get(id);
    if (!known) return;
    known.li.remove();
    rendered.delete(id);
    els.announcer.textContent = S.removedMessage;
  }

  // --- the composer ------------------------------------------------------------------------
  function refreshComposer() {
    const writable = state.write.allowed && !state.room.ended && (!state.room.locked || canManage);
    els.send.disabled = !(state.online && writable);
    els.send.textContent = state.editing ? S.saveEdit : S.send;
    // Read-only rather than disabled: what they typed can still be selected and copied.
    els.body.readOnly = state.closedForGood || !state.write.allowed;
    els.write.hidden = state.write.allowed;
    els.write.textContent = state.write.allowed ? "" : state.write.reason;
    let text = "";
    if (state.room.ended) text = S.ended;
    else if (state.room.locked) text = S.locked;
    els.state.textContent = text;
  }

  // A sanction with an end: shortly after it, ask the server to look again (it answers with
  // the new state only if it changed; another sanction may still hold).
  function setWrite(write) {
    state.write = write;
    clearTimeout(state.writeTimer);
    if (!write.allowed && write.until) {
      const wait = new Date(write.until) - new Date() + 2500;
      state.writeTimer = setTimeout(() => sendFrame({ type: "recheck" }), Math.max(wait, 0));
    }
    refreshComposer();
  }

  function startEdit(m) {
    state.editing = m.id;
    els.body.value = rendered.get(m.id)?.li.querySelector(".chat-body").textContent ?? m.body;
    els.body.focus();
    refreshComposer();
  }

  function submit(event) {
    event.preventDefault();
    const text = els.body.value.trim();
    els.error.textContent = "";
    if (!text) { els.error.textContent = S.empty; return; }
    if (els.send.disabled) return; // offline: the text stays in the box
    if (state.editing) {
      sendFrame({ type: "edit", id: state.editing, body: text });
      state.lastEdit = { id: state.editing, body: text }; // put back if refused
      state.editing = null;
    } else {
      const frame = { type: "send", client_msg_id: uuid4(), body: text };
      outbox.set(frame.client_msg_id, frame);
      sendFrame(frame);
    }
    els.body.value = "";
    refreshComposer();
  }

  // --- the socket ----------------------------------------------------------------------
  function sendFrame(frame) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) {
      state.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function setOnline(online, text) {
    state.online = online;
    els.connection.classList.toggle("is-online", online);
    els.connection.textContent = online ? S.online : text;
    if (!online && outbox.size) els.notice.textContent = S.unsent;
    if (online && els.notice.textContent === S.unsent) els.notice.textContent = "";
    refreshComposer();
  }

  function connect() {
    clearTimeout(state.retryTimer);
    if (state.closedForGood || state.socket) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const query = `last_seen_id=${state.contiguous}&rev=${state.rev}`;
    let socket;
    try {
      socket = new WebSocket(`${scheme}//${location.host}${root.dataset.wsPath}?${query}`);
    } catch {
      scheduleReconnect();
      return;
    }
    state.socket = socket;
    state.gapAsked = false; // an answer on the old socket will never come
    socket.addEventListener("message", (e) => handle(JSON.parse(e.data)));
    socket.addEventListener("close", (e) => {
      if (state.socket !== socket) return;
      state.socket = null;
      if (e.code === 4403) {
        if (!state.closedForGood) closeForGood(S.closed);
        return;
      }
      scheduleReconnect({ tooMany: e.code === 4429 || e.code === 4430 });
    });
  }

  // Exponential back-off with jitter, capped low: 0.5 s, 1 s, 2 s, then 2.5 s apart at most, so
  // the room is back within 3 s of the server (or Redis) returning; the jitter spreads a whole
  // room's reconnects. At once when the browser is back online. Refused for opening the room too
  // often (4429) or for flooding (4430): wait a minute or more before trying again.
  const RETRY_CAP_MS = 2500;
  function scheduleReconnect({ tooMany = false } = {}) {
    clearTimeout(state.retryTimer);
    if (state.closedForGood) return;
    if (!navigator.onLine) { setOnline(false, S.waitingNetwork); return; }
    const delay = tooMany
      ? 60000 * (0.75 + Math.random() / 2) + 15000
      : Math.min(RETRY_CAP_MS, 500 * 2 ** state.retries) * (0.5 + Math.random() / 2);
    state.retries += 1;
    const text = tooMany ? S.tooManyConnects : S.reconnecting;
    setOnline(false, fmt(text, { seconds: Math.ceil(delay / 1000) }));
    state.retryTimer = setTimeout(connect, delay);
  }

  // Access was taken away: say so beside the box, and let nothing more be written or sent.
  // What was typed stays in the box, read-only so it can still be copied, with anything that
  // never got out.
  function closeForGood(text) {
    state.closedForGood = true;
    clearTimeout(state.retryTimer);
    const unsent = [...outbox.values()].map((frame) => frame.body);
    outbox.clear();
    els.body.value = [...unsent, els.body.value].filter(Boolean).join("\n");
    setOnline(false, text);
    els.body.readOnly = true;
    els.error.textContent = text;
    if (els.notice.textContent === S.unsent) els.notice.textContent = "";
    els.controls?.setAttribute("disabled", "");
  }

  function dropSocket() {
    const socket = state.socket;
    state.socket = null;
    if (socket) socket.close();
  }

  function applyRoom(room) {
    state.room = room;
    els.live.hidden = !room.live_with;
    els.live.textContent = room.live_with ? fmt(S.live, { name: room.live_with }) : "";
    if (els.controls) {
      els.controls.querySelector("[data-control=live]").textContent = room.live_with ? S.endSession : S.startSession;
      els.controls.querySelector("[data-control=lock]").textContent = room.locked ? S.unlock : S.lock;
      els.controls.querySelector("[data-control=end]").textContent = room.ended ? S.reopen : S.endRoom;
    }
    refreshComposer();
  }

  function handle(frame) {
    switch (frame.type) {
      case "welcome":
        if (frame.reset) {
          els.list.replaceChildren(); rendered.clear();
          state.contiguous = 0; state.ahead.clear();
        }
        applyRoom(frame.room);
        state.rev = Math.max(state.rev, frame.room.last_revision);
        const before = state.contiguous;
        frame.messages.forEach((m) => upsert(m));
        advance(frame.up_to);
        const missed = frame.messages.filter((m) => m.id > before && m.author_id !== me).length;
        if (missed && !frame.reset) els.announcer.textContent = fmt(S.caughtUp, { count: missed });
        frame.removed.forEach(removeMessage);
        setWrite(frame.write);
        state.retries = 0;
        state.lastPong = Date.now();
        setOnline(true);
        outbox.forEach((pending) => sendFrame(pending)); // stored once, thanks to client_msg_id
        break;
      case "message": upsert(frame.message, { announce: true }); break;
      case "removed": removeMessage(frame.id); break;
      case "after":
        state.gapAsked = false;
        frame.messages.forEach((m) => upsert(m, { announce: true }));
        advance(frame.up_to);
        if (frame.has_more) askAfter();
        break;
      case "history":
        frame.messages.forEach((m) => upsert(m));
        els.older.hidden = !frame.has_more;
        break;
      case "room": applyRoom(frame.room); break;
      case "pong":
        state.lastPong = Date.now();
        showPresence(frame.people);
        // A message whose live frame never came (lost while Redis reconnected): after the
        // usual wait, ask for it as for any gap.
        state.known = Math.max(state.known, frame.up_to ?? 0);
        advance();
        break;
      case "presence": showPresence(frame.people); break;
      case "typing": showTyping(frame.name); break;
      case "write": setWrite(frame.write); break;
      case "error": {
        if (frame.action === "fetch_after") { state.gapAsked = false; break; } // the timer asks again
        const edit = frame.action === "edit" ? state.lastEdit : null;
        const pending = outbox.get(frame.client_msg_id) ?? edit;
        outbox.delete(frame.client_msg_id);
        if (pending && !els.body.value) els.body.value = pending.body; // keep what they wrote
        if (edit) { state.editing = edit.id; state.lastEdit = null; }
        els.error.textContent = frame.message;
        refreshComposer();
        break;
      }
      case "notice": case "reported": els.notice.textContent = frame.message; break;
      case "crisis": els.crisis.innerHTML = frame.html; break; // server-rendered template
      case "closed": closeForGood(frame.message); break;
      default: break;
    }
  }

  function showPresence(people) {
    els.presence.textContent = people.length ? `${S.here} ${people.join(", ")}` : "";
  }

  function showTyping(name) {
    els.typing.textContent = fmt(S.typing, { name });
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(() => { els.typing.textContent = ""; }, 4000);
  }

  // --- wiring ------------------------------------------------------------------------------
  els.list.replaceChildren();
  initial.forEach((m) => upsert(m));
  els.list.scrollTop = els.list.scrollHeight;
  els.older.hidden = initial.length < historyPage;
  els.older.addEventListener("click", () => {
    const oldest = Math.min(...rendered.keys());
    if (Number.isFinite(oldest)) sendFrame({ type: "history", before: oldest });
  });
  els.list.addEventListener("scroll", () => {
    if (els.list.scrollTop === 0 && !els.older.hidden) els.older.click();
  });
  els.form.addEventListener("submit", submit);
  els.body.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      els.form.requestSubmit();
    } else if (e.key === "Escape" && state.editing) {
      state.editing = null;
      els.body.value = "";
      refreshComposer();
    }
  });
  els.body.addEventListener("input", () => {
    if (state.online && Date.now() - state.lastTyping > 3000) {
      state.lastTyping = Date.now();
      sendFrame({ type: "typing" });
    }
  });
  els.controls?.addEventListener("click", (e) => {
    const control = e.target.closest("[data-control]")?.dataset.control;
    if (control === "live") sendFrame({ type: "live", live: !state.room.live_with });
    if (control === "lock") sendFrame({ type: "room", locked: !state.room.locked });
    if (control === "end") sendFrame({ type: "room", ended: !state.room.ended });
  });
  window.addEventListener("offline", () => { dropSocket(); setOnline(false, S.waitingNetwork); });
  window.addEventListener("online", () => { state.retries = 0; connect(); });
  // Heartbeats keep presence fresh; a socket that stops answering is replaced.
  setInterval(() => {
    if (!state.online) return;
    if (Date.now() - state.lastPong > heartbeatMs * 2.5) { dropSocket(); scheduleReconnect(); return; }
    sendFrame({ type: "heartbeat" });
  }, heartbeatMs);
  setWrite(state.write);
  setOnline(false, S.offline);
  connect();
})();
