"""The `/insights` subcommands and their one-line help: the grammar's vocabulary, shown by `/insights help`."""

from __future__ import annotations

#: Subcommands and one-line descriptions; later features add theirs here.
SUBCOMMANDS: dict[str, str] = {
    "help": "show how to use Podbrief",
    "search": "search insights, even for words that look like a subcommand",
    "topics": "list this channel's digest topics; `topics add ai policy, chips`, `topics remove …`, `topics clear`",
    "digest": "show this channel's digest; `digest at 8:30 berlin`, `weekdays`/`daily`, `days mon wed fri`, "
    "`pause`/`resume`, "
    "`thread on`/`off`, `preview`, `now`",
    "me": "your personal brief by DM: `me topics add …`, `me digest at 7:30`, `me digest pause`",
    "settings": "workspace settings: `settings restrict on` lets only admins and digest creators change digests",
    "feeds": "podcast feeds Podbrief scans (admins): `feeds list`, `feeds add URL`, `feeds remove URL|ID`; "
    "`settings feeds open` lets everyone",
    "saved": "your saved insights: `saved` lists them, `saved <words>` searches them, `saved export` sends files; "
    "admins: `settings save-emojis bookmark, pushpin`, `settings confirmations off`",
    "forget": "`forget me` deletes your saved insights, feedback and personal brief (asks first)",
}
