// A private conversation, live. The page works without this script (a plain form and a reload);
// with it, messages arrive over a websocket, sending keeps the text until the server has it,
// and a dropped connection reconnects and asks for what it missed (last id and revision).
(function () {
  "use strict";
  const root = document.getElementById("conversation");
  // Client ids need crypto.randomUUID (every secure context); without it the plain form works.
  if (!root || !("WebSocket" in window) || !window.crypto?.randomUUID) return;
  // An earlier page stays as it is; the newest page is the live one.
  if (root.dataset.earlier === "1") return;
  // Words shown, from the page language's djangojs catalogue (the script before this one).
  const strings = {
    online: gettext("Connected: new messages appear as they are sent."),
    offline: gettext("Offline. Reconnecting…"),
    closed: gettext("You can no longer open this conversation."),
    team: gettext("Facilitator"),
    held: gettext("Waiting for a moderator; only you can see this."),
    newMessage: gettext("New message from %(name)s: %(body)s"),
    replying: gettext("%(name)s is replying…"),
    writing: gettext("%(name)s is writing…"),
    caughtUp: gettext("New messages while you were away: %(count)s"),
    unsent: gettext("Not sent yet: it goes out when the connection is back."),
    removed: gettext("A message was taken down."),
    report: gettext("Report"),
    edit: gettext("Edit"),
    edited: gettext("edited"),
    editedNote: gettext("%(name)s changed a message: %(body)s"),
    empty: gettext("Write a message first."),
    givenTo: gettext("Given to %(name)s to answer."),
    closedNote: gettext("Closed by the team; a new message opens it again."),
    leftMark: gettext("left"),
    leftNote: gettext("%(name)s left the conversation."),
  };
  const list = document.getElementById("conversation-messages");
  const announcer = document.getElementById("conversation-announcer");
  const replying = document.getElementById("conversation-replying");
  const connection = document.getElementById("conversation-connection");
  const crisis = document.getElementById("conversation-crisis");
  const stateLine = document.getElementById("conversation-state");
  const people = document.getElementById("conversation-people");
  const form = document.getElementById("conversation-form");
  const body = form && form.querySelector("textarea[name=body]");
  const error = document.getElementById("conversation-error");
  const me = Number(root.dataset.userId);
  const team = root.dataset.team === "1";
  // Between members everyone's typing shows ("X is writing…"); in a team conversation only
  // the team's ("X is replying…"), so that two facilitators do not answer at once.
  const members = root.dataset.members === "1";
  const typingEvery = members ? 3000 : 20000;
  let lastSeen = Number(root.dataset.lastSeenId);
  let revision = Number(root.dataset.rev);
  let socket = null;
  let pending = null; // {id, body}: sent, not yet confirmed by the server
  let retry = 1;
  let lastTyping = 0;
  let replyingTimer = null;
  let writingFrom = null; // whose "X is writing…" is shown

  function showReplying(text, from, forMs) {
    replying.textContent = text;
    writingFrom = from;
    clearTimeout(replyingTimer);
    replyingTimer = setTimeout(() => {
      replying.textContent = "";
      writingFrom = null;
    }, forMs);
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, key) => values[key]);
  }

  function render(message) {
    const item = document.createElement("li");
    item.className = "conversation-message" + (message.author_id === me ? " conversation-mine" : "");
    item.id = `message-${message.id}`;
    item.dataset.id = message.id;
    item.dataset.rev = message.rev;
    const meta = document.createElement("p");
    meta.className = "conversation-meta small mb-0";
    const author = document.createElement("span");
    author.className = "conversation-author fw-semibold";
    author.textContent = message.author;
    meta.append(author);
    if (message.team) {
      const badge = document.createElement("span");
      badge.className = "badge text-bg-info ms-1";
      badge.textContent = strings.team;
      meta.append(badge);
    }
    const time = document.createElement("time");
    time.dateTime = message.created;
    time.textContent = " " + new Date(message.created).toLocaleString();
    meta.append(time);
    if (message.edited) {
      const mark = document.createElement("span");
      mark.className = "conversation-edited text-body-secondary";
      mark.textContent = ` (${strings.edited})`;
      meta.append(mark);
    }
    if (message.held) meta.append(" " + strings.held);
    if (message.author_id !== me && !message.held) {
      const report = document.createElement("a");
      report.className = "small ms-1";
      report.href = message.report_url;
      report.textContent = strings.report;
      meta.append(report);
    }
    if (message.author_id === me && !message.held && Date.now() < Date.parse(message.edit_until)) {
      const edit = document.createElement("a");
      edit.className = "small ms-1 conversation-edit";
      edit.href = message.edit_url;
      edit.textContent = strings.edit;
      meta.append(edit);
    }
    const text = document.createElement("p");
    text.className = "conversation-body";
    text.textContent = message.body;
    item.append(meta, text);
    return item;
  }

  function add(message, announce) {
    const shown = document.getElementById(`message-${message.id}`);
    if (shown) {
      // Seen before: replaced only by a newer revision (the author changed it).
      if (Number(shown.dataset.rev) >= message.rev) return false;
      shown.replaceWith(render(message));
      if (announce && message.author_id !== me) {
        announcer.textContent = fill(strings.editedNote, { name: message.author, body: message.body });
      }
      return false;
    }
    const later = Array.from(list.children).find((li) => Number(li.dataset.id) > message.id);
    list.insertBefore(render(message), later || null);
    lastSeen = Math.max(lastSeen, message.id);
    if (pending && message.client_msg_id === pending.id) {
      if (body.value === pending.body) body.value = "";
      pending = null;
    }
    if (announce && message.author_id !== me) {
      announcer.textContent = fill(strings.newMessage, { name: message.author, body: message.body });
      if (writingFrom === message.author_id || replying.textContent.startsWith(message.author)) {
        replying.textContent = "";
        writingFrom = null;
      }
    }
    return true;
  }

  function markRead() {
    if (socket && socket.readyState === WebSocket.OPEN && !document.hidden) {
      socket.send(JSON.stringify({ type: "read", up_to: lastSeen }));
    }
  }

  function setWrite(write) {
    if (!form) return;
    form.querySelector("button[type=submit]").disabled = !write.allowed;
    error.textContent = write.allowed ? "" : write.reason;
  }

  const handlers = {
    welcome(frame) {
      if (frame.reset) list.replaceChildren();
      frame.removed.forEach((id) => document.getElementById(`message-${id}`)?.remove());
      frame.edited.forEach((m) => add(m, false));
      const added = frame.messages.filter((m) => add(m, false)).length;
      if (added && !frame.reset) announcer.textContent = fill(strings.caughtUp, { count: added });
      revision = frame.rev;
      lastSeen = Math.max(lastSeen, frame.up_to);
      setWrite(frame.write);
      replying.textContent = frame.replying ? fill(strings.replying, { name: frame.replying }) : "";
      connection.textContent = strings.online;
      retry = 1;
      if (pending) send(pending.body, pending.id);
      markRead();
    },
    message(frame) {
      if (add(frame.message, true)) markRead();
    },
    after(frame) {
      frame.messages.forEach((m) => add(m, true));
    },
    removed(frame) {
      document.getElementById(`message-${frame.id}`)?.remove();
      announcer.textContent = strings.removed;
    },
    replying(frame) {
      if (frame.user_id === me) return;
      showReplying(fill(strings.replying, { name: frame.name }), frame.user_id, 120000);
    },
    typing(frame) {
      // Renewed every few seconds while they type; gone soon after they stop.
      showReplying(fill(strings.writing, { name: frame.name }), frame.user_id, 8000);
    },
    left(frame) {
      const mark = people?.querySelector(
        `[data-user-id="${Number(frame.user_id)}"] .conversation-person-state`,
      );
      if (mark) mark.textContent = ` (${strings.leftMark})`;
      announcer.textContent = fill(strings.leftNote, { name: frame.name });
    },
    state(frame) {
      const given = frame.assigned_to ? fill(strings.givenTo, { name: frame.assigned_to }) : "";
      stateLine.textContent = [given, frame.closed ? strings.closedNote : ""].join(" ").trim();
    },
    write(frame) {
      setWrite(frame.write);
    },
    crisis(frame) {
      crisis.innerHTML = frame.html; // rendered by the server from its own template
      crisis.querySelector("section")?.focus();
    },
    error(frame) {
      error.textContent = frame.message;
      if (pending && frame.client_msg_id === pending.id) pending = null; // the text stays
    },
    closed(frame) {
      connection.textContent = frame.message || strings.closed;
      if (form) form.querySelector("button[type=submit]").disabled = true;
      retry = 0;
    },
  };

  function send(text, id) {
    pending = { id: id || crypto.randomUUID(), body: text };
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "send", client_msg_id: pending.id, body: text }));
    } else {
      error.textContent = strings.unsent;
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const query = `last_seen_id=${lastSeen}&rev=${revision}`;
    socket = new WebSocket(`${scheme}://${location.host}${root.dataset.wsPath}?${query}`);
    socket.addEventListener("message", (event) => {
      const frame = JSON.parse(event.data);
      const handler = handlers[frame.type];
      if (handler) handler(frame);
    });
    socket.addEventListener("close", (event) => {
      socket = null;
      if (retry === 0 || event.code === 4403) return;
      connection.textContent = strings.offline;
      setTimeout(connect, Math.min(retry, 10) * 1000);
      retry = Math.min(retry * 2, 10);
    });
  }

  if (form) {
    form.addEventListener("submit", (event) => {
      if (!socket || socket.readyState !== WebSocket.OPEN) return; // the plain form posts
      event.preventDefault();
      const text = body.value.trim();
      if (!text) {
        error.textContent = strings.empty;
        return;
      }
      error.textContent = "";
      send(text);
    });
    body.addEventListener("input", () => {
      const now = Date.now();
      const tells = team || members;
      if (tells && socket && socket.readyState === WebSocket.OPEN && now - lastTyping > typingEvery) {
        lastTyping = now;
        socket.send(JSON.stringify({ type: "typing" }));
      }
    });
  }
  document.addEventListener("visibilitychange", markRead);
  setInterval(() => socket && socket.readyState === WebSocket.OPEN &&
    socket.send(JSON.stringify({ type: "heartbeat" })), 25000);
  connect();
})();
