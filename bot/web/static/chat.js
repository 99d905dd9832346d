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
//
// Like the chats people know: every bubble shows its time (Vietnam's, from the item's `at`
// when it has one); only the newest answer's buttons are live, a pressed or outdated one is
// greyed out and inert, and a tap while a request is in flight does nothing; the citizen's
// own files show as a thumbnail or a file card; files may be several, dropped or pasted; the
// text box gets the keyboard the question `expects`. A history item has a reply item's shape
// (plus `at`): addBotMessage renders it, then retireButtons(first of the newest answer).
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
  const TIME_ZONE = "Asia/Ho_Chi_Minh"; // every time a person sees is Vietnam's
  const IMAGE_TYPE = /^image\/(png|jpeg|gif|webp)$/i; // shown as a thumbnail of the file
  // The keyboard a question wants (`expects` of the reply): inputmode and autocomplete.
  const KEYBOARDS = {
    number: { mode: "numeric", complete: "off" },
    id_number: { mode: "numeric", complete: "off" },
    phone: { mode: "tel", complete: "tel" },
    code: { mode: "numeric", complete: "one-time-code" },
    email: { mode: "email", complete: "email" },
  };
  const TOUCH = window.matchMedia("(pointer: coarse)");

  // Icons drawn inline (24x24, stroked in the text colour): no icon font, nothing fetched.
  const ICONS = {
    home: '<path d="M3.5 11 12 4l8.5 7M6 9.5V20h4.5v-5.5h3V20H18V9.5"/>',
    search: '<circle cx="10.5" cy="10.5" r="6"/><path d="m15 15 5.5 5.5"/>',
    track:
      '<path d="M13 3H6v18h5M13 3l5 5v3M13 3v5h5"/><circle cx="16" cy="16" r="3.2"/>' +
      '<path d="m18.4 18.4 2.6 2.6"/>',
    book: '<path d="M5 18.5V5.5A2.5 2.5 0 0 1 7.5 3H19v14H7.5A2.5 2.5 0 0 0 5 19.5 2.5 2.5 0 0 0 7.5 22H19"/>',
    edit: '<path d="M4 20h4L19.5 8.5l-4-4L4 16z"/><path d="m13.5 6.5 4 4"/>',
    help: '<circle cx="12" cy="12" r="9"/><path d="M9.5 9.5a2.5 2.5 0 1 1 3.4 2.3c-.6.3-.9.8-.9 1.5v.7M12 17h.01"/>',
    globe:
      '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c2.4 2.6 3.5 5.6 3.5 9s-1.1 6.4-3.5 9' +
      'c-2.4-2.6-3.5-5.6-3.5-9S9.6 5.6 12 3z"/>',
    user: '<circle cx="12" cy="8" r="4"/><path d="M4 21c1.1-4 4.2-6 8-6s6.9 2 8 6"/>',
    folder: '<path d="M3 6.5A1.5 1.5 0 0 1 4.5 5H9l2 2.2h8.5A1.5 1.5 0 0 1 21 8.7v9.8a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 18.5z"/>',
    check: '<path d="m5 12.5 4.5 4.5L19 7.5"/>',
    back: '<path d="M19 12H5m6-6-6 6 6 6"/>',
    forward: '<path d="M5 12h14m-6-6 6 6-6 6"/>',
    close: '<path d="M6 6l12 12M18 6 6 18"/>',
    send: '<path d="M12 15V4M7.5 8.5 12 4l4.5 4.5M4 15v4a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-4"/>',
    attach:
      '<path d="m16.5 6.5-7.8 7.8a1.9 1.9 0 0 0 2.7 2.7l8-8a3.6 3.6 0 0 0-5.1-5.1l-8.3 8.3' +
      'a5.3 5.3 0 0 0 7.5 7.5l7.2-7.2"/>',
    file: '<path d="M6 3h8l4 4v14H6z"/><path d="M14 3v4h4M9 12h6M9 16h6"/>',
    trash: '<path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13"/>',
    bell: '<path d="M6 16v-5a6 6 0 0 1 12 0v5l2 2H4z"/><path d="M10 20.5a2 2 0 0 0 4 0"/>',
    mute: '<path d="M6 16v-5a6 6 0 0 1 12 0v5l2 2H4z"/><path d="M10 20.5a2 2 0 0 0 4 0M3 3l18 18"/>',
    refresh: '<path d="M20 12a8 8 0 1 1-2.4-5.7M20 4v5h-5"/>',
    phone: '<rect x="6.5" y="2.5" width="11" height="19" rx="2.2"/><path d="M10.5 18.2h3"/>',
    lock: '<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/>',
    card: '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3 10h18M7 15h4"/>',
    bank: '<path d="M3 9.5 12 4l9 5.5M5 10v8m4.7-8v8m4.6-8v8M19 10v8M3 20h18"/>',
    warning: '<path d="M12 3.5 21.5 20h-19z"/><path d="M12 10v4.5M12 17.2h.01"/>',
    image: '<rect x="3" y="4" width="18" height="16" rx="2"/><circle cx="8.5" cy="9.5" r="1.5"/><path d="m21 16-5-5-9 9"/>',
    chat: '<path d="M4 5h16v11H9l-5 4z"/>',
    logout: '<path d="M14 4h5v16h-5M10 8l-4 4 4 4M6 12h10"/>',
    people:
      '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c.8-3.5 3.3-5.5 6.5-5.5s5.7 2 6.5 5.5' +
      'M16 4.5a3.5 3.5 0 0 1 0 7m2 3.3c1.9.7 3.1 2.5 3.5 5.2"/>',
    megaphone: '<path d="M3 10v4h4l8 5V5l-8 5zM18.5 9a4 4 0 0 1 0 6"/>',
    chart: '<path d="M4 20V11m6 9V4m6 16v-7M3 20h18"/>',
    clock: '<circle cx="12" cy="13" r="8"/><path d="M12 9v4l3 2M9 2.5h6"/>',
    calendar: '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4m8-4v4"/>',
    eye: '<path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/>',
    money: '<rect x="3" y="6" width="18" height="12" rx="2"/><circle cx="12" cy="12" r="2.5"/>',
    minus: '<path d="M5 12h14"/>',
    menu: '<path d="M4 7h16M4 12h16M4 17h16"/>',
    square: '<rect x="5.5" y="5.5" width="13" height="13" rx="2"/>',
    bolt: '<path d="M13 3 5 13.5h6L10 21l8-10.5h-6z"/>',
    star: '<path d="m12 3.5 2.6 5.4 5.9.8-4.3 4.1 1 5.8L12 16.8l-5.2 2.8 1-5.8-4.3-4.1 5.9-.8z"/>',
    pin: '<path d="M12 21s-6.5-6-6.5-11a6.5 6.5 0 0 1 13 0c0 5-6.5 11-6.5 11z"/><circle cx="12" cy="10" r="2.3"/>',
  };
  // A leading emoji in a button label (the catalogue writes them for every platform) is drawn
  // as one of the icons above; "" drops it (a flag beside the language's own name).
  const EMOJI_ICONS = {
    "🏠": "home", "🏘": "home", "🔎": "search", "🔍": "search", "📚": "book", "📝": "edit",
    "✏": "edit", "❓": "help", "🌐": "globe", "👤": "user", "📂": "folder", "🗂": "folder",
    "✅": "check", "✔": "check", "☑": "check", "⬅": "back", "◀": "back", "↩": "back",
    "➡": "forward", "▶": "forward", "⏭": "forward", "✖": "close", "❌": "close", "🛑": "close",
    "⛔": "close", "📤": "send", "📎": "attach", "📄": "file", "🧾": "file", "🗑": "trash",
    "🔔": "bell", "🔕": "mute", "🔄": "refresh", "🔁": "refresh", "📱": "phone", "🔐": "lock",
    "🔒": "lock", "💳": "card", "🏦": "bank", "🏢": "bank", "⚠": "warning", "🖼": "image",
    "💬": "chat", "🚪": "logout", "👥": "people", "📢": "megaphone", "📊": "chart", "⏰": "clock",
    "📅": "calendar", "👀": "eye", "💰": "money", "➖": "minus", "🇻🇳": "", "🇬🇧": "",
    "⬜": "square", "▫": "square", "⚡": "bolt",
    "🙋": "user", "✍": "edit", "⏹": "square", "⭐": "star", "📞": "phone", "📨": "send",
    "📍": "pin", "🙏": "check", "🕘": "clock", "🌙": "clock", "🏛": "bank", "📮": "send",
    "↻": "refresh",
  };
  const LEADING_EMOJI =
    /^((?:\p{Regional_Indicator}{2})|(?:\p{Extended_Pictographic}\uFE0F?(?:\u200D\p{Extended_Pictographic}\uFE0F?)*))\s*/u;

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
      document: "Tải tệp",
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
      menu: "Danh mục",
      menuHome: "Danh mục chính",
      menuTrack: "Tra cứu hồ sơ",
      menuDossiers: "Hồ sơ đã nộp",
      menuHelp: "Hướng dẫn",
      menuLang: "Ngôn ngữ / Language",
      trackLabel: "Mã hồ sơ (in trên biên nhận)",
      trackSubmit: "Tra cứu",
      trackShown: (code) => `Tra cứu hồ sơ ${code}`,
      dropHint: "Thả tệp vào đây để gửi",
      fileOf: (type, size) => `Tệp ${type} · ${size}`,
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
      document: "Download file",
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
      menu: "Menu",
      menuHome: "Main menu",
      menuTrack: "Track a dossier",
      menuDossiers: "My dossiers",
      menuHelp: "Help",
      menuLang: "Ngôn ngữ / Language",
      trackLabel: "Dossier code (printed on the receipt)",
      trackSubmit: "Track",
      trackShown: (code) => `Track dossier ${code}`,
      dropHint: "Drop files here to send them",
      fileOf: (type, size) => `${type} file · ${size}`,
    },
  };

  const app = document.querySelector(".app");
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
    app.dataset.drop = t("dropHint");
    phone.translate();
    menu.translate();
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

  // ------------------------------------------------------------------ icons and times

  function icon(name) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", `icon icon-${name}`);
    svg.innerHTML = ICONS[name]; // our own constant markup, never anything received
    return svg;
  }

  // The label's leading emoji as an icon (if we draw one for it) and the rest as text.
  // `data-label` keeps the label as the bot wrote it.
  function labelled(el, label) {
    const text = typeof label === "string" ? label : "";
    el.dataset.label = text;
    const match = LEADING_EMOJI.exec(text);
    const name = match ? EMOJI_ICONS[match[1].replace(/\uFE0F/g, "")] : undefined;
    if (name === undefined) {
      el.textContent = text;
      return el;
    }
    const rest = document.createElement("span");
    rest.textContent = text.slice(match[0].length);
    el.replaceChildren(...(name ? [icon(name)] : []), rest);
    return el;
  }

  // A line of a bot message that starts with an emoji (a document, a ticked checklist item)
  // starts with its icon instead; the emoji stays for screen readers and copied text.
  function iconLines(text) {
    const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
    const starts = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      let at = node;
      while (at !== text && !at.previousSibling && at.parentNode !== text) at = at.parentNode;
      const before = at.previousSibling;
      if (before && before.nodeName !== "BR") continue;
      const match = LEADING_EMOJI.exec(node.data);
      const name = match ? EMOJI_ICONS[match[1].replace(/\uFE0F/g, "")] : undefined;
      if (name) starts.push([node, match]);
    }
    for (const [node, match] of starts) {
      const spoken = document.createElement("span");
      spoken.className = "emoji-text"; // in the text, but drawn at no size
      spoken.textContent = match[0];
      node.data = node.data.slice(match[0].length);
      node.before(icon(EMOJI_ICONS[match[1].replace(/\uFE0F/g, "")]), spoken);
    }
  }

  // When a message was sent, as HH:MM in Vietnam: `at` (ISO 8601) if valid, else now.
  function stamp(el, at) {
    const given = typeof at === "string" && at ? new Date(at) : null;
    const date = given && !Number.isNaN(given.getTime()) ? given : new Date();
    const time = document.createElement("time");
    time.className = "stamp";
    time.dateTime = date.toISOString();
    time.textContent = new Intl.DateTimeFormat("en-GB", {
      timeZone: TIME_ZONE,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(date);
    el.append(time);
    return time;
  }

  // `nodes`: the bubble's content, built (a pressed button's icon and label); else `text`.
  function addUserBubble(text, at, nodes) {
    const el = document.createElement("div");
    el.className = "msg user";
    const bubble = document.createElement("div");
    bubble.className = "text";
    if (nodes) bubble.append(...nodes);
    else bubble.textContent = text; // typed text is never HTML
    el.append(bubble);
    stamp(el, at);
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

  // What kind of file, for its card: "PDF", "JPEG", else the name's extension.
  function fileType(file) {
    const type = typeof file.type === "string" ? file.type.toLowerCase() : "";
    if (type === "application/pdf") return "PDF";
    if (type.startsWith("image/")) return type.slice(6).toUpperCase();
    const ext = /\.([A-Za-z0-9]{1,8})$/.exec(file.name || "");
    return ext ? ext[1].toUpperCase() : "?";
  }

  // A preview of the citizen's own file: a thumbnail of an image (read from the file itself,
  // or from `file.preview`, a URL), else a card with a file icon, its type and size.
  function filePreview(file, el) {
    const local = typeof Blob !== "undefined" && file instanceof Blob;
    const src = local && IMAGE_TYPE.test(file.type) ? URL.createObjectURL(file) : null;
    const shown = src || safeUrl(file.preview, true);
    const card = document.createElement("div");
    card.className = "file-card";
    if (shown) {
      const img = document.createElement("img");
      img.className = "thumb";
      img.alt = file.name || t("image");
      img.src = shown;
      img.decoding = "async";
      if (src) img.addEventListener("load", () => URL.revokeObjectURL(src), { once: true });
      img.addEventListener("load", () => {
        if (following()) scrollToEnd();
      });
      el.classList.add("has-thumb");
      card.append(img);
    } else card.append(icon("file"));
    const name = document.createElement("div");
    name.className = "text";
    name.textContent = file.name || "";
    const kind = document.createElement("div");
    kind.className = "kind";
    kind.textContent = t("fileOf")(fileType(file), formatSize(file.size || 0));
    const about = document.createElement("div");
    about.className = "about";
    about.append(name, kind);
    card.append(about);
    return card;
  }

  // The citizen's file: a preview with its name, then its size and where it stands. `file` is
  // a File, or (from the history) {name, size, type, preview?}; `state` as setUploadState's.
  function addUploadBubble(file, at, state) {
    const el = document.createElement("div");
    el.className = "msg user upload";
    el.append(filePreview(file, el));
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.setAttribute("aria-live", "polite");
    el.append(meta);
    let warning = "";
    if (file.size > MAX_FILE_BYTES) warning = t("uploadLarge");
    else if (!ACCEPTED_FILE.test(file.name)) warning = t("uploadType");
    if (warning && !state) {
      const note = document.createElement("div");
      note.className = "warning";
      const words = document.createElement("span");
      words.textContent = warning;
      note.append(icon("warning"), words);
      el.append(note);
    }
    stamp(el, at);
    append(el);
    scrollToEnd();
    setUploadState(el, file, state || (pending > 0 ? "waiting" : "sending"));
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
    } else if (state === "refused") text = `${size} · ${t("uploadRefused")}`;
    else if (state === "failed") text = `${size} · ${t("uploadFailed")}`;
    const mark = { sent: "check", refused: "close" }[state];
    meta.replaceChildren(...(mark ? [icon(mark)] : []), text);
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
        const words = document.createElement("span");
        words.textContent = `${alt}. ${t("imageFailed")}`;
        frame.replaceChildren(icon("image"), words);
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
    const words = document.createElement("span");
    words.textContent = name || t("document");
    link.append(icon("file"), words);
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
        labelled(el, button.label);
        el.dataset.payload = button.payload;
        line.append(el);
      }
      if (line.childElementCount) box.append(line);
    }
    return box.childElementCount ? box : null;
  }

  // One bot message (a reply item, a pushed message or a history item): `message.at`, when
  // given, is when it was sent. `pushed`: it came on its own, not as an answer, so the
  // keyboard stays fitted to the question still open.
  function addBotMessage(message, pushed = false) {
    const el = document.createElement("div");
    el.className = "msg bot";
    el.dataset.key = message.key || "";
    if (message.kind === "image" || message.kind === "document") el.classList.add(message.kind);
    const media = renderMedia(message);
    if (media) el.append(media);
    const text = document.createElement("div");
    text.className = "text";
    text.innerHTML = message.html || ""; // the server sends only <b>, <i>, <code>, <br>
    iconLines(text);
    el.append(text);
    if (COPYABLE.has(el.dataset.key)) {
      for (const code of text.querySelectorAll("code")) {
        code.classList.add("copy");
        code.tabIndex = 0;
        code.setAttribute("role", "button");
        code.title = t("copy");
      }
    }
    stamp(el, message.at);
    const buttons = renderButtons(message.buttons);
    if (buttons) {
      el.classList.add("with-buttons");
      el.append(buttons);
    }
    if (!pushed) fitKeyboard(message.expects);
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
    labelled(button, t("retry"));
    button.addEventListener("click", () => {
      box.remove();
      enqueue(retry);
    });
    row.append(button);
    box.append(row);
    return box;
  }

  // Buttons of messages before `first` are spent: greyed out, and a tap on them does nothing
  // (they stay focusable, so a screen reader still finds what was offered). Without `first`,
  // every button shown is spent.
  function retireButtons(first) {
    for (const button of log.querySelectorAll(".msg.bot button[data-payload]")) {
      if (button.getAttribute("aria-disabled") === "true") continue;
      const message = button.closest(".msg");
      if (message === first) break;
      if (first && !(message.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING)) {
        break;
      }
      button.setAttribute("aria-disabled", "true");
      button.classList.add("spent");
    }
  }

  // A button was pressed: its message's buttons are spent, the pressed one stays marked.
  function useButton(button) {
    for (const other of button.closest(".buttons").querySelectorAll("button[data-payload]")) {
      other.setAttribute("aria-disabled", "true");
      other.classList.add("spent");
    }
    button.classList.add("chosen");
  }

  // The keyboard the open question wants (a digit pad for an ID number…), from its `expects`.
  function fitKeyboard(expects) {
    const keyboard = KEYBOARDS[expects];
    input.dataset.expects = keyboard ? expects : "text";
    if (keyboard) input.inputMode = keyboard.mode;
    else input.removeAttribute("inputmode");
    input.autocomplete = keyboard ? keyboard.complete : "off";
  }

  // Back to the text box after an action, unless that would open the on-screen keyboard over
  // the choices a touch screen shows.
  function focusComposer() {
    if (!TOUCH.matches) input.focus({ preventScroll: true });
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
    const shown = messages.map((message) => addBotMessage(message));
    // A file refused by a proxy for its size (413) before the bot saw it: trying again is
    // pointless, so say why instead of offering a retry.
    const tooLarge = !ok && status === 413 && Boolean(request.onProgress);
    if (tooLarge && !shown.length) shown.push(addLocalError("client.too_large", t("tooLarge")));
    else if (!ok) {
      if (!shown.length) shown.push(addLocalError());
      shown[shown.length - 1].append(retryButton(() => deliver(request)));
    }
    if (request.onDone) request.onDone(ok, messages, tooLarge);
    retireButtons(shown[0]); // only the newest answer's buttons stay live
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
  // `nodes`: how the citizen's bubble shows `shownAs` (a button's icon and label).
  function send(shownAs, makeRequest, nodes) {
    clearRetries();
    if (shownAs !== null) addUserBubble(shownAs, undefined, nodes);
    enqueue(() => deliver(makeRequest()));
  }

  function sendText(text) {
    send(text, () => messageRequest({ text }));
  }

  function sendPayload(label, payload, nodes) {
    send(label, () => messageRequest({ payload, label: label.slice(0, 200) }), nodes);
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

  // A tap while a request is in flight, or on a spent button, does nothing: a double tap
  // sends once.
  log.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-payload]");
    if (!button || !log.contains(button)) return;
    if (pending > 0 || button.getAttribute("aria-disabled") === "true") return;
    useButton(button);
    const label = button.dataset.label || button.textContent;
    const shown = Array.from(button.childNodes, (node) => node.cloneNode(true));
    sendPayload(label, button.dataset.payload, shown);
    focusComposer();
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

  // Each file is its own upload, sent one after the other. The server checks type and size
  // and says why it refuses a file: nothing is blocked here.
  function sendFiles(list) {
    const files = Array.from(list || []).filter((file) => file instanceof File);
    if (!files.length) return false;
    clearRetries();
    for (const file of files) {
      const bubble = addUploadBubble(file);
      enqueue(() => deliver(uploadRequest(file, bubble)));
    }
    focusComposer();
    return true;
  }

  fileInput.addEventListener("change", () => {
    const files = Array.from(fileInput.files || []);
    fileInput.value = "";
    sendFiles(files);
  });

  // Files pasted into the text box (a screenshot, a copied file) are sent as uploads.
  input.addEventListener("paste", (event) => {
    const files = event.clipboardData ? event.clipboardData.files : null;
    if (files && files.length && sendFiles(files)) event.preventDefault();
  });

  // Files dropped anywhere on the chat are sent; the page shows where while they hover.
  let dragDepth = 0;
  const carriesFiles = (event) =>
    Boolean(event.dataTransfer) && Array.from(event.dataTransfer.types || []).includes("Files");
  app.addEventListener("dragenter", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    dragDepth += 1;
    app.classList.add("dropping");
  });
  app.addEventListener("dragover", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  });
  app.addEventListener("dragleave", () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) app.classList.remove("dropping");
  });
  app.addEventListener("drop", (event) => {
    dragDepth = 0;
    app.classList.remove("dropping");
    if (!carriesFiles(event)) return;
    event.preventDefault();
    sendFiles(event.dataTransfer.files);
  });


  // ------------------------------------------------------------------ page menu

  // The bot's main items, one tap away from any step, and "Tra cứu hồ sơ": the code typed
  // in the menu is sent as `/status CODE`, which anyone may ask (the bot shows the owner more).
  const menu = (() => {
    const toggle = document.getElementById("menu-toggle");
    const panel = document.getElementById("page-menu");
    const list = document.getElementById("menu-items");
    const track = document.getElementById("track-form");
    const code = document.getElementById("track-code");
    const ITEMS = [
      { id: "home", icon: "home", text: "menuHome", payload: "m:home" },
      { id: "track", icon: "track", text: "menuTrack" },
      { id: "dossiers", icon: "folder", text: "menuDossiers", payload: "m:dossiers" },
      { id: "help", icon: "help", text: "menuHelp", payload: "m:help" },
      { id: "lang", icon: "globe", text: "menuLang", payload: "m:lang" },
    ];

    function entry(item) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "menu-item";
      button.dataset.menu = item.id;
      const words = document.createElement("span");
      words.textContent = t(item.text);
      button.append(icon(item.icon), words);
      if (item.id === "track") {
        button.setAttribute("aria-controls", "track-form");
        button.setAttribute("aria-expanded", String(!track.hidden));
      }
      button.addEventListener("click", () => choose(item, button));
      li.append(button);
      return li;
    }

    function render() {
      list.replaceChildren(...ITEMS.map(entry));
      toggle.setAttribute("aria-label", t("menu"));
      toggle.title = t("menu");
      panel.setAttribute("aria-label", t("menu"));
      document.getElementById("track-label").textContent = t("trackLabel");
      document.getElementById("track-submit").textContent = t("trackSubmit");
    }

    function setOpen(value) {
      panel.hidden = !value;
      toggle.setAttribute("aria-expanded", String(value));
      toggle.classList.toggle("active", value);
      if (!value) {
        track.hidden = true;
        render();
      }
    }

    function choose(item, button) {
      if (item.id === "track") {
        track.hidden = !track.hidden;
        button.setAttribute("aria-expanded", String(!track.hidden));
        if (!track.hidden) code.focus();
        return;
      }
      if (pending > 0) return; // one request at a time, as for the buttons in the chat
      setOpen(false);
      sendPayload(t(item.text), item.payload, [icon(item.icon), document.createTextNode(t(item.text))]);
      focusComposer();
    }

    track.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = code.value.trim().replace(/\s+/g, "");
      if (!value || pending > 0) return;
      code.value = "";
      setOpen(false);
      send(t("trackShown")(value), () => messageRequest({ text: `/status ${value}` }));
      focusComposer();
    });

    toggle.addEventListener("click", () => {
      setOpen(panel.hidden);
      if (!panel.hidden) list.querySelector("button").focus();
    });
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        setOpen(false);
        toggle.focus();
      }
    });
    document.addEventListener("click", (event) => {
      if (!panel.hidden && !panel.contains(event.target) && !toggle.contains(event.target)) {
        setOpen(false);
      }
    });

    render();
    return { translate: render };
  })();

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
      // The name starts with what the button shows ("SMS"), as speech control expects.
      const name = `SMS – ${t("phone")}`;
      const label = count ? `${name}, ${t("phoneNew")(count)}` : name;
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
        const el = addBotMessage(event.message, true);
        el.dataset.eventId = String(event.id);
        el.classList.add("pushed");
        last = event.id;
        shown.push(el);
      }
      if (!shown.length) return;
      store.set(STORE_EVENTS, String(last));
      // Earlier buttons stay live: a push (a status change) comes between the citizen's
      // steps, and the question on screen still waits for its answer.
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

  // The first bot message after the citizen's last item: only its answer's buttons stay live.
  let firstOfAnswer = null;

  // One item of the history, through the same renderers as a live conversation.
  function restoreItem(item, upload) {
    if (!item || typeof item !== "object") return upload;
    const at = typeof item.at === "string" ? item.at : undefined;
    if (item.from === "citizen" && item.kind === "upload" && typeof item.name === "string") {
      const type = typeof item.mime === "string" ? item.mime : "";
      const file = { name: item.name, size: Number(item.size) || 0, type };
      const el = addUploadBubble(file, at, "sent");
      firstOfAnswer = null;
      return { el, file };
    }
    if (item.from === "citizen" && typeof item.text === "string") {
      // a pressed button's label shows as it did when pressed: its emoji drawn as an icon
      const shown = labelled(document.createElement("span"), item.text);
      addUserBubble(item.text, at, Array.from(shown.childNodes));
      firstOfAnswer = null;
      return null;
    }
    const shown = addBotMessage(item);
    if (!firstOfAnswer) firstOfAnswer = shown;
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
    retireButtons(firstOfAnswer);
    scrollToEnd();
    return pages.some((items) => items.length > 0);
  }

  // ------------------------------------------------------------------ start

  app.dataset.drop = t("dropHint");
  restoreHistory().then((restored) => {
    if (restored) {
      setBusy(false);
      phone.refresh(); // a restored chat may be waiting for a login code
    } else sendCommand("/start"); // its reply refreshes the phone
    events.refresh();
  });
})();
