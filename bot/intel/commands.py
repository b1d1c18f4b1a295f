"""`salescoach intel channel CHANNEL_ID|none [--locale]`: where /intel items are posted."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.bootstrap import Services


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    intel = sub.add_parser("intel", help="field intelligence shared with /intel").add_subparsers(
        dest="intel_command", required=True)
    channel = intel.add_parser("channel", help="set the channel where /intel items are posted",
                               description="Public channels work without inviting the bot. 'none': items are kept "
                               "and rolled up in the weekly digests, but posted nowhere (the modal says so).")
    channel.add_argument("channel_id", help="the channel's id, e.g. C0123ABCD (channel details > About), or none")
    channel.add_argument("--locale", help="the language of the posts, e.g. ms-MY (default: unchanged, at first en)")


def run(args: argparse.Namespace, services: Services) -> int:
    """IntelChannelError (one line) goes to the CLI's refusal handler."""
    from bot.i18n import language_of
    from storage.intel import intel_channel, set_intel_channel

    channel = None if args.channel_id.strip().lower() == "none" else args.channel_id.strip()
    with services.unit() as u:
        set_intel_channel(u.session, channel_id=channel, locale=language_of(args.locale) if args.locale else None)
        _, locale = intel_channel(u.session)
    print(f"intel goes to {channel} (posts in {locale})" if channel else
          "intel is kept and rolled up, but posted nowhere")
    return 0
