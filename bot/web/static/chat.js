// The web chat page: one chat per browser tab, talking to /chat/api/* (see bot/web/chat.py).
//
// Every request carries the chat id and an increasing sequence number (the update id), both
// kept in sessionStorage; the server applies a given seq once, so a retry reuses the seq of the
// request it repeats. Requests go one at a time, in the order the citizen made them.
"use strict";

(() => {
  const API = "/chat/api";
  const STORE_ID = "dvc.chat.id";
  const STORE_SEQ = "dvc.chat.seq";
  const REQUEST_TIMEOUT_MS = 45000;
  const MAX_INPUT_HEIGHT = 140;

  // Texts of the page itself; the bot's own texts come from the server.
  const UI = {
    vi: {
      subtitle: "Trợ lý thủ tục hành chính",
      placeholder: "Nhập tin nhắn…",
      inputLabel: "Tin nhắn",
      send: "Gửi",
      attach: "Đính kèm tệp (PDF, JPG, PNG)",
      log: "Cuộc trò chuyện",
      typing: "Đang trả lời…",
      failed: "Không gửi được tin nhắn. Vui lòng thử lại.",
      retry: "🔄 Thử lại",
      document: "📄 Tải tệp",
      image: "Hình ảnh",
    },
    en: {
      subtitle: "Administrative procedures assistant",
      placeholder: "Type a message…",
      inputLabel: "Message",
      send: "Send",
      attach: "Attach a file (PDF, JPG, PNG)",
      log: "Conversation",
      typing: "Replying…",
      failed: "The message could not be sent. Please try again.",
      retry: "🔄 Try again",
      document: "📄 Download file",
      image: "Image",
    },
  };

  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("input");
  const sendButton = document.getElementById("send");
  const attachButton = document.getElementById("attach");
  const fileInput = document.getElementById("file");

  let lang = "vi";
  let pending = 0; // requests queued or in flight
  let queue = Promise.resolve();
  let typing = null;
  let atEnd = true; // the citizen is reading the newest messages

  // ------------------------------------------------------------------ session

  const memory = new Map(); // fallback when sessionStorage is unavailable (privacy modes)
  const store = {
    get(key) {
      try {
        return window.sessionStorage.getItem(key);
      } catch {
        return memory.get(key) ?? null;
      }
    },
    set(key, value) {
      memory.set(key, value);
      try {
        window.sessionStorage.setItem(key, value);
      } catch {
        // keep the in-memory copy only
      }
    },
  };

  function newChatId() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function nextSeq() {
    const seq = (Number.parseInt(store.get(STORE_SEQ) ?? "0", 10) || 0) + 1;
    store.set(STORE_SEQ, String(seq));
    return seq;
  }

  const existing = store.get(STORE_ID);
  const chatId = existing && /^[A-Za-z0-9_-]{8,64}$/.test(existing) ? existing : newChatId();
  const reloaded = chatId === existing;
  store.set(STORE_ID, chatId);

  // ------------------------------------------------------------------ state and texts

  function t(name) {
    return (UI[lang] || UI.vi)[name];
  }

  function setLanguage(code) {
    if (!UI[code] || code === lang) return;
    lang = code;
    document.documentElement.lang = code;
    document.getElementById("subtitle").textContent = t("subtitle");
    document.getElementById("input-label").textContent = t("inputLabel");
    input.placeholder = t("placeholder");
    sendButton.setAttribute("aria-label", t("send"));
    sendButton.title = t("send");
    attachButton.setAttribute("aria-label", t("attach"));
    attachButton.title = t("attach");
    log.setAttribute("aria-label", t("log"));
  }

  function setBusy(busy) {
    document.body.dataset.state = busy ? "busy" : "idle";
    sendButton.disabled = busy;
    attachButton.disabled = busy;
    log.setAttribute("aria-busy", String(busy));
    if (busy) showTyping();
    else hideTyping();
  }

  // ------------------------------------------------------------------ rendering

  function showTyping() {
    if (!typing) {
      typing = document.createElement("div");
      typing.className = "typing";
      typing.setAttribute("role", "status");
      const dots = document.createElement("span");
      dots.className = "dots";
      dots.setAttribute("aria-hidden", "true");
      dots.append(document.createElement("i"), document.createElement("i"));
      dots.append(document.createElement("i"));
      const label = document.createElement("span");
      label.className = "visually-hidden";
      typing.append(dots, label);
    }
    typing.lastChild.textContent = t("typing");
    log.append(typing);
    scrollToEnd();
  }

  function hideTyping() {
    if (typing) typing.remove();
  }

  // New messages go above the typing indicator, which stays last while requests are queued.
  function append(el) {
    if (typing && typing.isConnected) log.insertBefore(el, typing);
    else log.append(el);
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  // Show a reply from its beginning when it is taller than the screen (a long summary).
  function reveal(first) {
    if (!first) return scrollToEnd();
    const top = first.offsetTop - 8; // .log is the offset parent (position: relative)
    if (log.scrollHeight - top > log.clientHeight) log.scrollTop = top;
    else scrollToEnd();
  }

  function addUserBubble(text) {
    const el = document.createElement("div");
    el.className = "msg user";
    const bubble = document.createElement("div");
    bubble.className = "text";
    bubble.textContent = text; // typed text is never HTML
    el.append(bubble);
    append(el);
    scrollToEnd();
    return el;
  }

  // Only plain links and images: a relative path, http(s), or an inline image.
  function safeUrl(value, allowDataImage) {
    if (typeof value !== "string" || !value) return null;
    if (allowDataImage && /^data:image\/(png|jpeg|gif|webp);base64,/i.test(value)) return value;
    try {
      const url = new URL(value, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch {
      return null;
    }
  }

  function renderMedia(message) {
    if (message.kind === "image") {
      const src = safeUrl(message.media, true);
      if (!src) return null;
      const img = document.createElement("img");
      img.className = "media";
      img.src = src;
      img.alt = t("image");
      img.loading = "lazy";
      img.addEventListener("load", () => reveal(img.closest(".msg")), { once: true });
      return img;
    }
    if (message.kind === "document") {
      const href = safeUrl(message.media, false);
      if (!href) return null;
      const link = document.createElement("a");
      link.className = "document";
      link.href = href;
      link.rel = "noopener";
      link.target = "_blank";
      link.setAttribute("download", "");
      link.textContent = t("document");
      return link;
    }
    return null;
  }

  function renderButtons(rows) {
    const box = document.createElement("div");
    box.className = "buttons";
    for (const row of rows || []) {
      const line = document.createElement("div");
      line.className = "row";
      for (const button of row) {
        const el = document.createElement("button");
        el.type = "button";
        el.className = "choice";
        el.textContent = button.label;
        el.dataset.payload = button.payload;
        line.append(el);
      }
      if (line.childElementCount) box.append(line);
    }
    return box.childElementCount ? box : null;
  }

  function addBotMessage(message) {
    const el = document.createElement("div");
    el.className = "msg bot";
    el.dataset.key = message.key || "";
    if (message.kind && message.kind !== "text") el.classList.add(message.kind);
    const media = renderMedia(message);
    if (media) el.append(media);
    const text = document.createElement("div");
    text.className = "text";
    text.innerHTML = message.html || ""; // the server sends only <b>, <i>, <code>, <br>
    el.append(text);
    const buttons = renderButtons(message.buttons);
    if (buttons) {
      el.classList.add("with-buttons");
      el.append(buttons);
    }
    append(el);
    return el;
  }

  function addLocalError() {
    const el = addBotMessage({ key: "client.send_failed", kind: "text", html: "" });
    el.classList.add("error");
    el.querySelector(".text").textContent = t("failed");
    return el;
  }

  function retryButton(retry) {
    const box = document.createElement("div");
    box.className = "buttons";
    const row = document.createElement("div");
    row.className = "row";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "choice retry";
    button.textContent = t("retry");
    button.addEventListener("click", () => {
      box.remove();
      enqueue(retry);
    });
    row.append(button);
    box.append(row);
    return box;
  }

  function clearRetries() {
    for (const button of log.querySelectorAll("button.retry")) {
      button.closest(".buttons").remove();
    }
  }

  // ------------------------------------------------------------------ sending

  // Runs `job` after every earlier request; the page is "busy" until the queue drains.
  function enqueue(job) {
    pending += 1;
    setBusy(true);
    queue = queue
      .then(job)
      .catch((error) => console.error(error))
      .finally(() => {
        pending -= 1;
        if (pending === 0) setBusy(false);
      });
  }

  async function post(request) {
    const controller = new AbortController();
    const timer = window.setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(request.url, {
        method: "POST",
        body: request.body(),
        headers: request.headers,
        signal: controller.signal,
        credentials: "same-origin",
      });
      let data = null;
      try {
        data = await response.json();
      } catch {
        data = null;
      }
      return { ok: response.ok && data !== null, data };
    } catch {
      return { ok: false, data: null }; // offline, refused, timed out
    } finally {
      window.clearTimeout(timer);
    }
  }

  // One request, answered by bot messages; on failure, an apology with a retry (same seq).
  async function deliver(request) {
    const { ok, data } = await post(request);
    // A failure answers in the server's default language, not necessarily the chat's.
    if (ok && typeof data.lang === "string") setLanguage(data.lang);
    const messages = data && Array.isArray(data.messages) ? data.messages : [];
    const shown = messages.map(addBotMessage);
    if (!ok) {
      if (!shown.length) shown.push(addLocalError());
      shown[shown.length - 1].append(retryButton(() => deliver(request)));
    }
    reveal(shown[0]);
  }

  function messageRequest(fields) {
    const seq = nextSeq();
    const json = JSON.stringify({ chat_id: chatId, seq, ...fields });
    return {
      url: `${API}/message`,
      headers: { "Content-Type": "application/json" },
      body: () => json,
    };
  }

  function uploadRequest(file) {
    const seq = nextSeq();
    return {
      url: `${API}/upload`,
      headers: {},
      body: () => {
        const data = new FormData();
        data.append("chat_id", chatId);
        data.append("seq", String(seq));
        data.append("file", file, file.name);
        return data;
      },
    };
  }

  // Seq numbers are taken when the job runs, so they follow the order of the queue.
  function send(shownAs, makeRequest) {
    clearRetries();
    if (shownAs !== null) addUserBubble(shownAs);
    enqueue(() => deliver(makeRequest()));
  }

  function sendText(text) {
    send(text, () => messageRequest({ text }));
  }

  function sendPayload(label, payload) {
    send(label, () => messageRequest({ payload }));
  }

  function sendCommand(command) {
    send(null, () => messageRequest({ text: command }));
  }

  // ------------------------------------------------------------------ input

  function autoGrow() {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, MAX_INPUT_HEIGHT)}px`;
  }

  function submitTyped() {
    if (pending > 0) return; // one message at a time; the text stays in the box
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    autoGrow();
    sendText(text);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitTyped();
    input.focus();
  });

  input.addEventListener("keydown", (event) => {
    // 229 / isComposing: an input method (Vietnamese Telex, VNI…) is still composing a letter.
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) {
      return;
    }
    event.preventDefault();
    submitTyped();
  });

  input.addEventListener("input", autoGrow);

  // Stay at the newest message when the list gets shorter (the text box grows, the on-screen
  // keyboard opens), unless the citizen has scrolled up to read.
  log.addEventListener(
    "scroll",
    () => {
      atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
    },
    { passive: true },
  );
  if ("ResizeObserver" in window) {
    new ResizeObserver(() => {
      if (atEnd) scrollToEnd();
    }).observe(log);
  }

  log.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-payload]");
    if (!button || !log.contains(button)) return;
    sendPayload(button.textContent, button.dataset.payload);
  });

  attachButton.addEventListener("click", () => fileInput.click());

  fileInput.addEventListener("change", () => {
    const file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (!file) return;
    send(`📎 ${file.name}`, () => uploadRequest(file));
  });

  // ------------------------------------------------------------------ start

  sendCommand(reloaded ? "/resume" : "/start");
})();
