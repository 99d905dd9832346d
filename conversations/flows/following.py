"""Following someone else's dossier: /follow CODE, /unfollow CODE, /following (the list).

Following is bounded (services.following): a chat that follows the most dossiers allowed,
or a dossier with the most followers allowed, gets a message saying so and what to do.
"""

from __future__ import annotations

from conversations import payloads
from conversations.flow import Context, Turn
from conversations.flows import home
from conversations.flows.dossiers import is_mine, status_text
from conversations.messages import Lines, Text, btn, say
from conversations.status_messages import UNFOLLOW, resolve_code
from services.dossiers import Dossier
from services.following import FollowRefusal, may_follow

EXAMPLE = "000.01.50.H04-251125-0001"


async def follow(ctx: Context, typed: str, dossier_id: str = "") -> Turn:
    """`/follow CODE` (or the follow button): status pushes for a dossier of someone else."""
    dossier = await _find(ctx, typed, dossier_id)
    if isinstance(dossier, Turn):
        return dossier
    if is_mine(ctx, dossier):
        return home.show(say("follow.own", code=dossier.code))
    limits, now, chat = ctx.settings.follow, ctx.clock.now(), ctx.address.key
    if chat in await ctx.repos.dossiers.followers(dossier.id, limits.active_since(now)):
        await ctx.repos.dossiers.follow(dossier.id, chat, now)  # its expiry starts again
        return home.show(say("follow.already", code=dossier.code))
    refusal = await may_follow(ctx.repos, limits, dossier.id, chat, now)
    if refusal is FollowRefusal.CHAT_FULL:
        full = say("follow.limit_chat", code=dossier.code, limit=limits.per_chat)
        return (await following(ctx)).saying(full)
    if refusal is FollowRefusal.DOSSIER_FULL:
        return home.show(say("follow.limit_dossier", code=dossier.code, limit=limits.per_dossier))
    await ctx.repos.dossiers.follow(dossier.id, chat, now)
    return home.show(say("follow.started", code=dossier.code, days=limits.idle_days))


async def unfollow(ctx: Context, typed: str, dossier_id: str = "") -> Turn:
    """`/unfollow CODE` (or the unfollow button under a push or in the list)."""
    dossier = await _find(ctx, typed, dossier_id, usage="unfollow.usage")
    if isinstance(dossier, Turn):
        return dossier
    if not await ctx.repos.dossiers.unfollow(dossier.id, ctx.address.key):
        return home.show(say("unfollow.not_following", code=dossier.code))
    return home.show(say("unfollow.done", code=dossier.code))


async def following(ctx: Context) -> Turn:
    """`/following`: the dossiers this chat follows, each with a button to stop."""
    limits, now = ctx.settings.follow, ctx.clock.now()
    ids = await ctx.repos.dossiers.followed(ctx.address.key, limits.active_since(now))
    dossiers = [d for d in [await ctx.repos.dossiers.get(i) for i in ids] if d is not None]
    if not dossiers:
        return home.show(say("following.none", example=EXAMPLE))
    lines = Lines(
        tuple(Text("following.line", {"code": d.code, "status": status_text(d)}) for d in dossiers)
    )
    buttons = tuple(
        (btn("following.stop", payloads.pick(UNFOLLOW, d.id), code=d.code),) for d in dossiers
    )
    listed = say("following.list", buttons, count=len(dossiers), limit=limits.per_chat, lines=lines)
    return home.show(listed)


async def _find(
    ctx: Context, typed: str, dossier_id: str, usage: str = "follow.usage"
) -> Dossier | Turn:
    if dossier_id:
        found = await ctx.repos.dossiers.get(dossier_id)
        return found if found else home.show(say("status.not_found", code="—"))
    if not typed.strip():
        return home.show(say(usage, example=EXAMPLE))
    code = resolve_code(ctx.catalog, typed)
    if code is None:
        return home.show(say("status.bad_code", example=EXAMPLE))
    found = await ctx.repos.dossiers.by_code(code)
    return found if found else home.show(say("status.not_found", code=code))
