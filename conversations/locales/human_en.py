"""English messages of "Talk to a person": the conversation handed to an agency's officers."""

MESSAGES: dict[str, str] = {
    "menu.human": "🙋 Talk to a person",
    "command.canbo": "Talk to a person (an officer)",
    "human.button": "🙋 Talk to a person",
    "human.choose": (
        "🙋 Which dossier is your question about? Pick one so that it reaches the agency "
        "handling it, or choose <b>General question</b> to ask the province's one-stop desk."
    ),
    "human.choose_dossier": "📄 Dossier {code}",
    "human.choose_general": "💬 General question",
    "human.opened": (
        "🙋 Your conversation is now with the officers of <b>{agency}</b>{about}. What you "
        "type from now on goes to them; their answers will appear in this chat."
    ),
    "human.about_dossier": " about dossier <b>{code}</b>",
    "human.hours_open": "🕘 Officers are at work now and will answer soon.",
    "human.hours_closed": (
        "🌙 We are outside office hours (Monday to Friday, {hours}, Vietnam time, public "
        "holidays excepted). An officer will answer from <b>{at}</b> (Vietnam time)."
    ),
    "human.open_prompt": (
        "✍️ Type your question (text only). Type /end or press <b>End</b> when you are done."
    ),
    "human.already_open": (
        "ℹ️ You are already talking to the officers of <b>{agency}</b>{about}; no second "
        "conversation is opened. Just keep typing, they will read it."
    ),
    "human.forwarded": "📨 Passed on to the officers.",
    "human.forwarded_later": "📨 Passed on to the officers. They will answer from {at} (Vietnam time).",
    "human.text_only": "⚠️ While you talk to an officer, only text messages are passed on.",
    "human.end_button": "⏹ End",
    "human.reply_button": "✍️ Reply to the officer",
    "human.answer": "👤 <b>{who}</b> ({agency}) answered at {at}:\n{text}",
    "human.ended": "✅ The conversation with the officers has ended. It is kept{with_dossier}.",
    "human.kept_with_dossier": " with dossier {code}",
    "human.ended_by_officer": (
        "✅ <b>{who}</b> ({agency}) ended the conversation at {at}. It is kept{with_dossier}. "
        "To ask more, press <b>Talk to a person</b>."
    ),
    "human.none_open": "ℹ️ You have no open conversation with an officer.",
    "human.agency": "{name}",
    "human.unit_default": "An officer",
    # Officer chats
    "human.desk_new": (
        "🙋 <b>Request to talk to a person #{ref}</b> — {agency}{about}, at {at}.\n"
        "Press <b>Reply</b> and type your answer; press <b>End</b> when done."
    ),
    "human.desk_message": "💬 <b>#{ref}</b> ({agency}) the citizen wrote at {at}:\n{text}",
    "human.desk_reply_button": "✍️ Reply",
    "human.desk_close_button": "⏹ End",
    "human.desk_answer_ask": (
        "✍️ Type the answer to <b>#{ref}</b>; the citizen will see the display name «{who}» "
        "and the agency."
    ),
    "human.desk_answer_sent": "✅ Answer sent to #{ref}.",
    "human.desk_closed_done": "✅ #{ref} ended; the citizen has been told.",
    "human.desk_closed_by_citizen": "⏹ The citizen ended #{ref} ({agency}) at {at}.",
    "human.desk_closed_by_officer": "⏹ #{ref} ({agency}) was ended by an officer at {at}.",
    "human.desk_already_closed": "ℹ️ Conversation #{ref} has ended; it can no longer be answered.",
    "human.desk_not_found": "⚠️ No such conversation in your agency.",
    "human.desk_refused": "⛔ This chat is not an officer chat.",
    "human.desk_list": "🙋 Open conversations ({count}):",
    "human.desk_list_item": "#{ref} — {agency}{about}, since {at}",
    "human.desk_list_empty": "No conversation is open.",
    "human.desk_transcript": "🗂 <b>#{ref}</b> — dossier {code} ({state}):\n{lines}",
    "human.desk_transcript_line": "[{at}] <b>{who}</b>: {text}",
    "human.desk_transcript_none": "Dossier {code} has no conversation with an officer yet.",
    "human.author_citizen": "Citizen",
    "human.author_officer": "Officer",
    "human.state_open": "open",
    "human.state_closed": "ended",
    "human.desk_help": (
        "🙋 <b>Officer chat</b>: requests to talk to a person for your agency arrive here. Press "
        "<b>Reply</b> and type the answer, <b>End</b> when done. /hoidap: the open ones; "
        "/hoidap DOSSIER-CODE: every conversation about that dossier."
    ),
    "human.desk_back": "↩️ Never mind",
}
