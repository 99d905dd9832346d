"""Admin commands for the hand-over to the one-stop system (services.handover).

    /chuyenloi (/deadletters) ──▶ the dead letters: key, dossier code, kind, attempts, error
    /guilai KEY (/resend KEY) ──▶ that event queued again under the same Idempotency-Key

Admin chats see every agency's dead letters (as the province's "*" officer key does).
"""

from __future__ import annotations

from conversations.flow import Context, Turn
from conversations.flows import home
from conversations.messages import Lines, Text, say
from services.handover import resend

MAX_SHOWN = 20


async def dead_letters(ctx: Context, _argument: str) -> Turn:
    """The hand-overs the one-stop system refused for good, or that were given up."""
    events = await ctx.repos.handovers.dead(MAX_SHOWN)
    if not events:
        return home.show(say("handover.dead_none"))
    lines = []
    for event in events:
        dossier = await ctx.repos.dossiers.get(event.dossier_id)
        params = {
            "key": event.key,
            "code": dossier.code if dossier else "—",
            "kind": event.kind.value,
            "attempts": event.attempts,
            "error": event.error or "—",
        }
        lines.append(Text("handover.dead_line", params))
    return home.show(say("handover.dead_list", count=len(events), lines=Lines(tuple(lines))))


async def resend_command(ctx: Context, argument: str) -> Turn:
    """Queue one dead hand-over again."""
    key = argument.strip()
    if not key:
        return home.show(say("handover.resend_usage"))
    again = await resend(ctx.repos, key, ctx.clock.now())
    if again is None:
        return home.show(say("handover.not_dead", event=key[:120]))
    return home.show(say("handover.resent", event=again.key))
