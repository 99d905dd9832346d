// The web chat page, talking to /chat/api/* (see bot/web/chat.py).
//
// The chat is the session's: an HttpOnly cookie the server issues (the page never names a
// chat), so a reload or another tab is the same conversation, restored from the server's
// history. Every request carries the tab's id and an increasing sequence number (the update
// id), kept in sessionStorage; the server applies a given seq once, so a retry reuses the seq
// of the request it repeats. Requests go one at a time, in the order the citizen made them.
//
// Messages that are not replies (a receipt once the bank confirms a payment) are pushed: the
// page polls /chat/api/events with the id of the last one it showed, which acknowledges it.
"use strict";

(() => {
  const API = "/chat/api";
  const STORE_TAB = "dvc.chat.tab";
  const HISTORY_PAGE = 50; // turns per history request
  const HISTORY_MAX_PAGES = 40; // the oldest turns of a very long chat are left out
  const STORE_SEQ = "dvc.chat.seq";
  const REQUEST_TIMEOUT_MS = 45000;
  const UPLOAD_IDLE_MS = 45000; // an upload is given up when no byte moves for this long
  const MAX_FILE_BYTES = 10 * 1024 * 1024; // the server's limit, for a warning only
  const ACCEPTED_FILE = /\.(pdf|jpe?g|png)$/i;
  // The first reply to an upload that means the file was not kept.
  const UPLOAD_REFUSED = new Set([
    "docs.rejected",
    "docs.none_needed",
    "common.unexpected_upload",
  ]);
  // Messages whose <code> parts (account number, transfer reference) are copied on a tap.
  const COPYABLE = new Set(["payment.request"]);
  const STORE_EVENTS = "dvc.chat.events";
  const EVENTS_POLL_MS = 2000;
  const EVENTS_HIDDEN_MS = 30000; // a tab in the background looks far less often
  const EVENTS_MAX_MS = 30000; // the longest wait after failures
  const EVENTS_TIMEOUT_MS = 10000;
  const MAX_INPUT_HEIGHT = 140;
  const STORE_PHONE_SEEN = "dvc.phone.seen";
  const PHONE_POLL_MS = 3000;
  const PHONE_TIMEOUT_MS = 10000;
  const WIDE = window.matchMedia("(min-width: 1180px)"); // room for the phone beside the chat
  // The bot is waiting for the ID number, the phone or the code: an SMS may be on its way.
  const LOGIN_WAITING = new Set(["login.ask_id", "login.ask_phone", "login.ask_code"]);

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
      imageQr: "Mã QR thanh toán",
      imageReceipt: "Biên nhận hồ sơ",
      imageOpen: "chạm để xem cỡ lớn",
      imageFailed: "Không tải được hình ảnh — chạm để mở",
      copy: "Chạm để chép",
      copied: "Đã chép",
      uploading: "Đang tải lên…",
      uploadWaiting: "Đang chờ gửi…",
      uploadRefused: "không được nhận",
      uploadFailed: "chưa gửi được",
      uploadLarge: "Tệp lớn hơn 10 MB, có thể bị từ chối.",
      uploadType: "Chỉ nhận PDF, JPG, PNG; tệp này có thể bị từ chối.",
      tooLarge: "Tệp quá lớn nên không gửi được (tối đa 10 MB mỗi tệp). Hãy gửi tệp nhỏ hơn.",
      numberLocale: "vi-VN",
      phone: "Điện thoại (demo)",
      phoneTitle: "Điện thoại (demo)",
      phoneHint: "Điện thoại (demo) — chỉ dùng khi phát triển",
      phoneNew: (n) => `${n} tin nhắn mới`,
      phoneEmpty: "Chưa có tin nhắn SMS nào.",
      phoneTo: "Tới",
      phoneCode: "Mã xác thực",
      phoneOld: "mã cũ",
      close: "Đóng",
      timeLocale: "vi-VN",
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
      imageQr: "Payment QR code",
      imageReceipt: "Dossier receipt",
      imageOpen: "tap to view full size",
      imageFailed: "The image could not be loaded — tap to open it",
      copy: "Tap to copy",
      copied: "Copied",
      uploading: "Uploading…",
      uploadWaiting: "Waiting to send…",
      uploadRefused: "not accepted",
      uploadFailed: "not sent",
      uploadLarge: "Larger than 10 MB: it may be refused.",
      uploadType: "Only PDF, JPG and PNG are accepted: this file may be refused.",
      tooLarge: "The file is too large to send (10 MB at most per file). Send a smaller one.",
      numberLocale: "en-GB",
      phone: "Phone (demo)",
      phoneTitle: "Phone (demo)",
      phoneHint: "Phone (demo) — development only",
      phoneNew: (n) => `${n} new message${n === 1 ? "" : "s"}`,
      phoneEmpty: "No SMS yet.",
      phoneTo: "To",
      phoneCode: "Verification code",
      phoneOld: "old code",
      close: "Close",
      timeLocale: "en-GB",
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
  let placedAt = 0; // where the page itself last scrolled the list to
  let revealed = null; // the first message of the newest reply (or pushed batch)

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

  function newTabId() {
    const bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function nextSeq() {
    const seq = (Number.parseInt(store.get(STORE_SEQ) ?? "0", 10) || 0) + 1;
    store.set(STORE_SEQ, String(seq));
    return seq;
  }

  const existing = store.get(STORE_TAB);
  const tabId = existing && /^[A-Za-z0-9_-]{8,32}$/.test(existing) ? existing : newTabId();
  store.set(STORE_TAB, tabId);

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
    phone.translate();
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
    placedAt = log.scrollTop;
  }

  // The citizen has not scrolled since the page placed the list: new content may move it.
  function following() {
    return atEnd || Math.abs(log.scrollTop - placedAt) < 2;
  }

  // Show a reply from its beginning when it is taller than the screen (a long summary).
  function reveal(first) {
    revealed = first || null;
    if (!first) return scrollToEnd();
    const top = first.offsetTop - 8; // .log is the offset parent (position: relative)
    if (log.scrollHeight - top > log.clientHeight) {
      log.scrollTop = top;
      placedAt = log.scrollTop;
    } else scrollToEnd();
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

  function formatSize(bytes) {
    const units = ["B", "KB", "MB", "GB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    const digits = unit === 0 || value >= 100 ? 0 : 1;
    const shown = new Intl.NumberFormat(t("numberLocale"), { maximumFractionDigits: digits });
    return `${shown.format(value)} ${units[unit]}`;
  }

  // The citizen's file: its name (as the bubble's text), then its size and where it stands.
  function addUploadBubble(file) {
    const el = addUserBubble(`📎 ${file.name}`);
    el.classList.add("upload");
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.setAttribute("aria-live", "polite");
    el.append(meta);
    let warning = "";
    if (file.size > MAX_FILE_BYTES) warning = t("uploadLarge");
    else if (!ACCEPTED_FILE.test(file.name)) warning = t("uploadType");
    if (warning) {
      const note = document.createElement("div");
      note.className = "warning";
      note.textContent = `⚠️ ${warning}`;
      el.append(note);
    }
    setUploadState(el, file, pending > 0 ? "waiting" : "sending");
    return el;
  }

  function setUploadState(el, file, state, progress) {
    el.dataset.state = state;
    const size = formatSize(file.size);
    const meta = el.querySelector(".meta");
    let text = size;
    if (state === "waiting") text = `${t("uploadWaiting")} · ${size}`;
    else if (state === "sending") {
      const percent = progress === undefined ? "" : ` ${Math.floor(progress * 100)}%`;
      text = `${t("uploading")}${percent} · ${size}`;
    } else if (state === "sent") text = `✓ ${size}`;
    else if (state === "refused") text = `✕ ${size} · ${t("uploadRefused")}`;
    else if (state === "failed") text = `${size} · ${t("uploadFailed")}`;
    meta.textContent = text;
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

  // What an image shows, for screen readers: from its file name, else from the message id.
  function mediaAlt(message) {
    const name = typeof message.media_name === "string" ? message.media_name : "";
    const key = message.key || "";
    if (/^vietqr/i.test(name) || key.startsWith("payment.")) return t("imageQr");
    if (/^(bien-nhan|receipt)/i.test(name) || key.startsWith("receipt.")) return t("imageReceipt");
    return t("image");
  }

  function renderImage(message) {
    const src = safeUrl(message.media, true);
    if (!src) return null;
    const alt = mediaAlt(message);
    const img = document.createElement("img");
    img.className = "media";
    if (alt === t("imageQr")) img.classList.add("qr");
    img.src = src;
    img.alt = alt;
    img.decoding = "async";
    const opens = /^https?:/i.test(src); // a browser refuses to open data: URLs in a tab
    const frame = document.createElement(opens ? "a" : "div");
    frame.className = "media-frame";
    if (opens) {
      frame.href = src; // tap: the image at full size, to zoom or save
      frame.target = "_blank";
      frame.rel = "noopener";
      frame.title = `${alt} — ${t("imageOpen")}`;
    }
    frame.append(img);
    img.addEventListener(
      "load",
      () => {
        // Taller now: keep the citizen at the newest message if that is where they were.
        if (following()) reveal(revealed && revealed.isConnected ? revealed : img.closest(".msg"));
      },
      { once: true },
    );
    img.addEventListener(
      "error",
      () => {
        frame.classList.add("broken");
        frame.textContent = `🖼️ ${alt}. ${t("imageFailed")}`;
      },
      { once: true },
    );
    return frame;
  }

  function renderDocument(message) {
    const href = safeUrl(message.media, false);
    if (!href) return null;
    const name = typeof message.media_name === "string" ? message.media_name : "";
    const link = document.createElement("a");
    link.className = "doc-link";
    link.href = href;
    link.rel = "noopener";
    link.target = "_blank";
    link.setAttribute("download", name);
    link.textContent = name ? `📄 ${name}` : t("document");
    return link;
  }

  function renderMedia(message) {
    if (message.kind === "image") return renderImage(message);
    if (message.kind === "document") return renderDocument(message);
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
    if (message.kind === "image" || message.kind === "document") el.classList.add(message.kind);
    const media = renderMedia(message);
    if (media) el.append(media);
    const text = document.createElement("div");
    text.className = "text";
    text.innerHTML = message.html || ""; // the server sends only <b>, <i>, <code>, <br>
    el.append(text);
    if (COPYABLE.has(el.dataset.key)) {
      for (const code of text.querySelectorAll("code")) {
        code.classList.add("copy");
        code.tabIndex = 0;
        code.setAttribute("role", "button");
        code.title = t("copy");
      }
    }
    const buttons = renderButtons(message.buttons);
    if (buttons) {
      el.classList.add("with-buttons");
      el.append(buttons);
    }
    // A message that updates in place (a live progress): the newer one takes the older's spot.
    const replaces = typeof message.replaces === "string" ? message.replaces : "";
    if (replaces) {
      el.dataset.replaces = replaces;
      const older = Array.from(log.querySelectorAll(".msg.bot[data-replaces]")).find(
        (m) => m.dataset.replaces === replaces,
      );
      if (older) {
        older.replaceWith(el);
        return el;
      }
    }
    append(el);
    return el;
  }

  function addLocalError(key = "client.send_failed", text = t("failed")) {
    const el = addBotMessage({ key, kind: "text", html: "" });
    el.classList.add("error");
    el.querySelector(".text").textContent = text;
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
    if (request.onProgress) return postWithProgress(request);
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
      return { ok: response.ok && data !== null, data, status: response.status };
    } catch {
      return { ok: false, data: null, status: 0 }; // offline, refused, timed out
    } finally {
      window.clearTimeout(timer);
    }
  }

  // An upload: XMLHttpRequest reports how much has been sent (fetch does not). It is given up
  // when nothing moves for a while, however long a slow line takes for a large file.
  function postWithProgress(request) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      let idle = null;
      const done = (result) => {
        window.clearTimeout(idle);
        resolve(result);
      };
      const watch = () => {
        window.clearTimeout(idle);
        idle = window.setTimeout(() => xhr.abort(), UPLOAD_IDLE_MS);
      };
      xhr.open("POST", request.url);
      xhr.responseType = "json";
      xhr.upload.addEventListener("progress", (event) => {
        watch();
        if (event.lengthComputable && event.total > 0) {
          request.onProgress(event.loaded / event.total);
        }
      });
      xhr.addEventListener("load", () => {
        const data = xhr.response && typeof xhr.response === "object" ? xhr.response : null;
        const ok = xhr.status >= 200 && xhr.status < 300 && data !== null;
        done({ ok, data, status: xhr.status });
      });
      for (const failure of ["error", "abort", "timeout"]) {
        xhr.addEventListener(failure, () => done({ ok: false, data: null, status: 0 }));
      }
      watch();
      xhr.send(request.body());
    });
  }

  // One request, answered by bot messages; on failure, an apology with a retry (same seq).
  async function deliver(request) {
    if (request.onStart) request.onStart();
    const { ok, data, status } = await post(request);
    // A failure answers in the server's default language, not necessarily the chat's.
    if (ok && typeof data.lang === "string") setLanguage(data.lang);
    const messages = data && Array.isArray(data.messages) ? data.messages : [];
    const shown = messages.map(addBotMessage);
    // A file refused by a proxy for its size (413) before the bot saw it: trying again is
    // pointless, so say why instead of offering a retry.
    const tooLarge = !ok && status === 413 && Boolean(request.onProgress);
    if (tooLarge && !shown.length) shown.push(addLocalError("client.too_large", t("tooLarge")));
    else if (!ok) {
      if (!shown.length) shown.push(addLocalError());
      shown[shown.length - 1].append(retryButton(() => deliver(request)));
    }
    if (request.onDone) request.onDone(ok, messages, tooLarge);
    reveal(shown[0]);
    phone.refresh();
    events.refresh(); // a reply may have caused a pushed message (the simulated bank)
  }

  function messageRequest(fields) {
    const seq = nextSeq();
    const json = JSON.stringify({ tab: tabId, seq, ...fields });
    return {
      url: `${API}/message`,
      headers: { "Content-Type": "application/json" },
      body: () => json,
    };
  }

  function uploadRequest(file, bubble) {
    const seq = nextSeq();
    return {
      url: `${API}/upload`,
      headers: {},
      onStart: () => setUploadState(bubble, file, "sending"),
      onProgress: (part) => setUploadState(bubble, file, "sending", part),
      onDone: (ok, messages, tooLarge) => {
        const first = messages.length ? messages[0].key : "";
        let state = "sent";
        if (tooLarge || (ok && UPLOAD_REFUSED.has(first))) state = "refused";
        else if (!ok) state = "failed";
        setUploadState(bubble, file, state);
      },
      body: () => {
        const data = new FormData();
        data.append("tab", tabId);
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
    send(label, () => messageRequest({ payload, label: label.slice(0, 200) }));
  }

  function sendCommand(command) {
    send(null, () => messageRequest({ text: command, silent: true }));
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

  // The account number or the transfer reference, to paste into a banking app.
  async function copyCode(code) {
    const value = code.textContent;
    let done = false;
    try {
      await navigator.clipboard.writeText(value);
      done = true;
    } catch {
      const range = document.createRange(); // at least selected, for the system's copy
      range.selectNodeContents(code);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      done = document.execCommand && document.execCommand("copy");
    }
    if (!done) return;
    code.classList.add("copied");
    code.title = t("copied");
    window.setTimeout(() => {
      code.classList.remove("copied");
      code.title = t("copy");
    }, 1500);
  }

  log.addEventListener("click", (event) => {
    const code = event.target.closest("code.copy");
    if (code && log.contains(code)) copyCode(code);
  });

  log.addEventListener("keydown", (event) => {
    const code = event.target.closest && event.target.closest("code.copy");
    if (code && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      copyCode(code);
    }
  });

  attachButton.addEventListener("click", () => fileInput.click());

  fileInput.addEventListener("change", () => {
    const file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (!file) return;
    // The server checks type and size and says why it refuses a file: nothing is blocked here.
    clearRetries();
    const bubble = addUploadBubble(file);
    enqueue(() => deliver(uploadRequest(file, bubble)));
  });


  // ------------------------------------------------------------------ demo phone (development)

  // The SMS this chat caused, as the development SMS backend keeps them: a login code is read
  // here and typed by the citizen (never filled in for them). The server answers 404 when SMS
  // go to a real gateway: then the panel and its button disappear for good.
  const phone = (() => {
    const toggle = document.getElementById("phone-toggle");
    const badge = document.getElementById("phone-badge");
    const panel = document.getElementById("phone-panel");
    const list = document.getElementById("sms-list");
    const empty = document.getElementById("phone-empty");
    const close = document.getElementById("phone-close");
    let enabled = true;
    let shown = false; // the server said it keeps a development inbox
    let open = false;
    let inFlight = false;
    let again = false;
    let timer = null;
    let messages = []; // newest first
    let rendered = "";

    function seenAt() {
      return store.get(STORE_PHONE_SEEN) || "";
    }

    function unseen() {
      const seen = seenAt();
      return messages.filter((m) => m.at > seen).length;
    }

    function markSeen() {
      if (open && messages.length && document.visibilityState === "visible") {
        store.set(STORE_PHONE_SEEN, messages[0].at);
      }
    }

    function updateBadge() {
      const count = unseen();
      badge.hidden = count === 0;
      badge.textContent = count > 9 ? "9+" : String(count);
      const label = count ? `${t("phone")}, ${t("phoneNew")(count)}` : t("phone");
      toggle.setAttribute("aria-label", label);
      toggle.title = t("phoneHint");
    }

    function setOpen(value) {
      open = value && shown;
      panel.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      toggle.classList.toggle("active", open);
      markSeen();
      updateBadge();
    }

    function time(at) {
      const date = new Date(at);
      if (Number.isNaN(date.getTime())) return "";
      // Vietnam's time wherever the browser is (one clock for everything a person sees).
      return date.toLocaleTimeString(t("timeLocale"), {
        timeZone: "Asia/Ho_Chi_Minh",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
    }

    // The SMS text with its 6-digit code in bold (built as text: nothing is parsed as HTML).
    function smsText(text, code) {
      const p = document.createElement("p");
      p.className = "sms-text";
      const at = code ? text.indexOf(code) : -1;
      if (at < 0) {
        p.textContent = text;
        return p;
      }
      const strong = document.createElement("b");
      strong.textContent = code;
      p.append(text.slice(0, at), strong, text.slice(at + code.length));
      return p;
    }

    function item(message, index) {
      const li = document.createElement("li");
      li.className = index === 0 ? "sms latest" : "sms";
      li.dataset.text = message.text;
      li.dataset.at = message.at;
      const meta = document.createElement("div");
      meta.className = "sms-meta";
      const to = document.createElement("span");
      to.className = "sms-to";
      to.textContent = `${t("phoneTo")} ${message.to}`;
      const when = document.createElement("time");
      when.dateTime = message.at;
      when.textContent = time(message.at);
      meta.append(to, when);
      li.append(meta);
      const match = /(?:^|\D)(\d{6})(?!\d)/.exec(message.text);
      const code = match ? match[1] : "";
      if (code) {
        const box = document.createElement("div");
        box.className = "sms-code";
        const label = document.createElement("span");
        label.className = "sms-code-label";
        label.textContent = index === 0 ? t("phoneCode") : `${t("phoneCode")} (${t("phoneOld")})`;
        const digits = document.createElement("span");
        digits.className = "sms-code-digits";
        digits.textContent = code;
        box.append(label, digits);
        li.append(box);
        li.dataset.code = code;
      }
      li.append(smsText(message.text, code));
      return li;
    }

    function render() {
      const key = `${lang}|${messages.map((m) => m.at).join(",")}`;
      if (key === rendered) return;
      rendered = key;
      list.replaceChildren(...messages.map(item));
      empty.hidden = messages.length > 0;
    }

    function accept(data) {
      const valid = (m) =>
        m && typeof m.text === "string" && typeof m.at === "string" && typeof m.to === "string";
      const fresh = data.messages.filter(valid).slice();
      fresh.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)); // newest first
      messages = fresh;
      if (!shown) {
        shown = true;
        toggle.hidden = false;
        if (WIDE.matches) setOpen(true);
      }
      render();
      markSeen();
      updateBadge();
    }

    function disable() {
      enabled = false;
      shown = false;
      window.clearTimeout(timer);
      timer = null;
      toggle.hidden = true;
      panel.hidden = true;
      list.replaceChildren();
    }

    function loginWaiting() {
      const bots = log.querySelectorAll(".msg.bot");
      const last = bots[bots.length - 1];
      return Boolean(last && LOGIN_WAITING.has(last.dataset.key));
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = null;
      if (enabled && document.visibilityState === "visible" && loginWaiting()) {
        timer = window.setTimeout(refresh, PHONE_POLL_MS);
      }
    }

    async function fetchInbox() {
      const controller = new AbortController();
      const abort = window.setTimeout(() => controller.abort(), PHONE_TIMEOUT_MS);
      try {
        const response = await fetch(`${API}/phone`, {
          credentials: "same-origin",
          cache: "no-store",
          signal: controller.signal,
        });
        if (response.status === 404) return disable();
        if (!response.ok) return undefined;
        const data = await response.json();
        if (data && data.development_only === true && Array.isArray(data.messages)) {
          accept(data);
        }
      } catch {
        // offline or timed out: the next reply or poll tries again
      } finally {
        window.clearTimeout(abort);
      }
      return undefined;
    }

    async function refresh() {
      if (!enabled) return;
      if (inFlight) {
        again = true; // one more look once the current request is answered
        return;
      }
      inFlight = true;
      try {
        do {
          again = false;
          await fetchInbox();
        } while (again && enabled);
      } finally {
        inFlight = false;
        schedule();
      }
    }

    function translate() {
      document.getElementById("phone-title").textContent = t("phoneTitle");
      document.getElementById("phone-empty").textContent = t("phoneEmpty");
      close.setAttribute("aria-label", t("close"));
      close.title = t("close");
      rendered = "";
      if (shown) render();
      updateBadge();
    }

    toggle.addEventListener("click", () => setOpen(!open));
    close.addEventListener("click", () => {
      setOpen(false);
      toggle.focus();
    });
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        setOpen(false);
        toggle.focus();
      }
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") refresh();
      else schedule(); // stops polling while the tab is hidden
    });

    return { refresh, translate };
  })();

  // ------------------------------------------------------------------ pushed messages

  // Messages the server sends on its own (the receipt once the bank confirms a payment). The
  // id of the last one shown is kept for the tab: asking for what comes after it also
  // acknowledges it, so a reload never shows a message twice.
  const events = (() => {
    let last = Number.parseInt(store.get(STORE_EVENTS) ?? "0", 10) || 0;
    let timer = null;
    let inFlight = false;
    let again = false;
    let failures = 0;

    function delay() {
      if (document.visibilityState !== "visible") return EVENTS_HIDDEN_MS;
      return Math.min(EVENTS_POLL_MS * 2 ** failures, EVENTS_MAX_MS);
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, delay());
    }

    function show(list) {
      const valid = (e) =>
        e && Number.isSafeInteger(e.id) && e.message && typeof e.message === "object";
      const fresh = list.filter(valid).sort((a, b) => a.id - b.id);
      const shown = [];
      for (const event of fresh) {
        if (event.id <= last) continue; // shown already (a poll and a refresh crossed)
        const el = addBotMessage(event.message);
        el.dataset.eventId = String(event.id);
        el.classList.add("pushed");
        last = event.id;
        shown.push(el);
      }
      if (!shown.length) return;
      store.set(STORE_EVENTS, String(last));
      if (following()) reveal(shown[0]); // unless the citizen scrolled up to read
    }

    async function fetchEvents() {
      const controller = new AbortController();
      const abort = window.setTimeout(() => controller.abort(), EVENTS_TIMEOUT_MS);
      try {
        const response = await fetch(`${API}/events?after=${last}`, {
          credentials: "same-origin",
          cache: "no-store",
          signal: controller.signal,
        });
        const data = response.ok ? await response.json() : null;
        if (!data || !Array.isArray(data.events)) throw new Error(`events: ${response.status}`);
        failures = 0;
        show(data.events);
      } catch {
        failures = Math.min(failures + 1, 6); // offline or failing: wait longer each time
      } finally {
        window.clearTimeout(abort);
      }
    }

    async function refresh() {
      if (inFlight) {
        again = true; // one more look once the current request is answered
        return;
      }
      inFlight = true;
      window.clearTimeout(timer);
      try {
        do {
          again = false;
          await fetchEvents();
        } while (again);
      } finally {
        inFlight = false;
        schedule();
      }
    }

    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") refresh();
      else if (!inFlight) schedule(); // the slower pace of a hidden tab
    });

    // Pushed messages up to `id` are in the restored history: not shown again.
    function skipTo(id) {
      if (!Number.isSafeInteger(id) || id <= last) return;
      last = id;
      store.set(STORE_EVENTS, String(last));
    }

    return { refresh, skipTo };
  })();

  // ------------------------------------------------------------------ history

  async function historyPage(before) {
    let query = `limit=${HISTORY_PAGE}`;
    if (before) query += `&before=${encodeURIComponent(before)}`;
    const response = await fetch(`${API}/history?${query}`, {
      credentials: "same-origin",
      cache: "no-store",
    });
    const data = response.ok ? await response.json() : null;
    if (!data || !Array.isArray(data.items)) throw new Error(`history: ${response.status}`);
    return data;
  }

  // One item of the history, through the same renderers as a live conversation.
  function restoreItem(item, upload) {
    if (!item || typeof item !== "object") return upload;
    if (item.from === "citizen" && item.kind === "upload" && typeof item.name === "string") {
      const file = { name: item.name, size: Number(item.size) || 0 };
      const el = addUploadBubble(file);
      setUploadState(el, file, "sent");
      return { el, file };
    }
    if (item.from === "citizen" && typeof item.text === "string") {
      addUserBubble(item.text);
      return null;
    }
    addBotMessage(item);
    if (upload && UPLOAD_REFUSED.has(item.key)) setUploadState(upload.el, upload.file, "refused");
    return null;
  }

  // The whole conversation so far (a reload, another tab): newest page first, shown oldest
  // first. True when there was something to show.
  async function restoreHistory() {
    const pages = [];
    let before = null;
    try {
      do {
        const data = await historyPage(before);
        if (pages.length === 0 && typeof data.lang === "string") setLanguage(data.lang);
        if (pages.length === 0) events.skipTo(data.events_after);
        pages.push(data.items);
        before = typeof data.before === "string" ? data.before : null;
      } while (before && pages.length < HISTORY_MAX_PAGES);
    } catch {
      if (!pages.length) return false; // offline: start as a new page would
    }
    let upload = null;
    for (const items of pages.reverse()) {
      for (const item of items) upload = restoreItem(item, upload);
    }
    scrollToEnd();
    return pages.some((items) => items.length > 0);
  }

  // ------------------------------------------------------------------ start

  restoreHistory().then((restored) => {
    if (restored) {
      setBusy(false);
      phone.refresh(); // a restored chat may be waiting for a login code
    } else sendCommand("/start"); // its reply refreshes the phone
    events.refresh();
  });
})();
